import { EdgeRouter } from '../runtime/edge-router.js';
import { CollectingChannel } from './collecting-channel.js';

/**
 * A subtask's side-output table that answers for every tag: a harness cannot know in advance which
 * tags an operator will emit to, so the first record sent to a tag creates a collecting channel for it.
 */
export class SideOutputChannels extends Map<string, EdgeRouter[]> {
  readonly channels = new Map<string, CollectingChannel<unknown>>();

  constructor(
    private readonly maxParallelism: number,
    private readonly operatorName: string,
  ) {
    super();
  }

  override get(tag: string): EdgeRouter[] {
    let routers = super.get(tag);
    if (!routers) {
      const channel = new CollectingChannel<unknown>();
      this.channels.set(tag, channel);
      routers = [new EdgeRouter({ type: 'forward' }, [{ target: channel, index: 0 }], this.maxParallelism, this.operatorName)];
      super.set(tag, routers);
    }
    return routers;
  }
}
