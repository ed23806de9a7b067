import type { Operator } from '../core/operator.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import type { WatermarkStrategy } from '../core/watermark-strategy.js';
import type { ProcessFunction, KeyedProcessFunction, CoProcessFunction, KeyedCoProcessFunction, Collector } from '../core/functions.js';

/**
 * What a graph node does, as data the runtime turns into an operator. The API and the SQL planner
 * build these; only the runtime knows the implementations. `custom` carries an operator factory for
 * operators written against the SPI (SQL's own operators, user extensions).
 */
export type OperatorSpec =
  | { readonly kind: 'source'; readonly source: Source<any>; readonly watermarks: WatermarkStrategy<any> | undefined }
  | { readonly kind: 'sink'; readonly sink: Sink<any> }
  | { readonly kind: 'map'; readonly fn: (value: any) => any }
  | { readonly kind: 'filter'; readonly fn: (value: any) => boolean }
  | { readonly kind: 'flatMap'; readonly fn: (value: any, out: Collector<any>) => void | Iterable<any> }
  | { readonly kind: 'timestampsAndWatermarks'; readonly watermarks: WatermarkStrategy<any> }
  | { readonly kind: 'process'; readonly fn: ProcessFunction<any, any> }
  | { readonly kind: 'keyedProcess'; readonly fn: KeyedProcessFunction<any, any, any> }
  | { readonly kind: 'reduce'; readonly fn: (a: any, b: any) => any }
  | { readonly kind: 'coProcess'; readonly fn: CoProcessFunction<any, any, any> }
  | { readonly kind: 'keyedCoProcess'; readonly fn: KeyedCoProcessFunction<any, any, any, any> }
  | { readonly kind: 'union' }
  | { readonly kind: 'custom'; readonly create: () => Operator<any>; readonly description?: string };

export type OperatorKind = OperatorSpec['kind'];
