import type { ProcessJoinContext } from '../../../core/join-functions.js';
import { FunctionContext } from '../function-context.js';

/** Context and collector of a `ProcessJoinFunction`: the pair's timestamps; output at the later one. */
export class ProcessJoinFunctionContext extends FunctionContext implements ProcessJoinContext {
  leftTimestamp = -Infinity;
  rightTimestamp = -Infinity;
  setPair(left: number, right: number): void {
    this.leftTimestamp = left;
    this.rightTimestamp = right;
    this.currentTimestamp = left > right ? left : right;
  }
  getLeftTimestamp(): number {
    return this.leftTimestamp;
  }
  getRightTimestamp(): number {
    return this.rightTimestamp;
  }
  getTimestamp(): number {
    return this.currentTimestamp;
  }
}
