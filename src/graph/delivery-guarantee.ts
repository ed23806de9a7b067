import type { StreamGraph } from './stream-graph.js';
import { paramsOf } from './operator-spec.js';

export type DeliveryGuarantee = 'exactly-once' | 'at-least-once' | 'at-most-once' | 'none';

/**
 * The end-to-end guarantee a job gives, from its sources, sinks and checkpointing mode, with the
 * reason when it is weaker than exactly-once. Without checkpoints a failed job cannot resume, so
 * nothing is guaranteed across failures.
 *
 * @example
 * deliveryGuarantee(graph, 'EXACTLY_ONCE') // { guarantee: 'at-least-once', reason: "sink 'Print' writes records as they arrive" }
 */
export function deliveryGuarantee(graph: StreamGraph, mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE' | undefined): { guarantee: DeliveryGuarantee; reason?: string } {
  if (!mode) return { guarantee: 'none', reason: 'checkpointing is off, so a failed job cannot resume' };
  const sources = graph.nodes.flatMap((n) => (n.kind === 'source' ? [{ name: n.name, source: paramsOf(n, 'source')!.source }] : []));
  const sinks = graph.nodes.flatMap((n) => (n.kind === 'sink' ? [{ name: n.name, sink: paramsOf(n, 'sink')!.sink }] : []));
  const unreplayable = sources.filter((s) => !s.source.replayable);
  if (unreplayable.length > 0) {
    return {
      guarantee: 'at-most-once',
      reason: `source${unreplayable.length > 1 ? 's' : ''} ${unreplayable.map((s) => `'${s.name}'`).join(', ')} cannot replay after a restore`,
    };
  }
  if (mode === 'AT_LEAST_ONCE') return { guarantee: 'at-least-once', reason: 'checkpointing mode is AT_LEAST_ONCE' };
  const plain = sinks.filter((s) => s.sink.deliveryGuarantee !== 'exactly-once');
  if (plain.length > 0) {
    return {
      guarantee: 'at-least-once',
      reason: `sink${plain.length > 1 ? 's' : ''} ${plain.map((s) => `'${s.name}'`).join(', ')} write${plain.length > 1 ? '' : 's'} records as they arrive`,
    };
  }
  return { guarantee: 'exactly-once' };
}
