/**
 * A view of a user function object for one subtask. Every subtask's operator is built from the same
 * graph node, so it shares the function object; Flink gives each subtask its own copy instead. An
 * object whose prototype is the user's function reads the user's fields and methods, while fields
 * written in `open` (state handles, counters) land on the view and stay per subtask.
 *
 * @example
 * const fn = perSubtask(spec.fn); // fn.open(ctx) sets fn.state on this subtask's view only
 */
export function perSubtask<F extends object>(fn: F): F {
  return Object.create(fn) as F;
}
