// The messages between the page and its worker (worker.js), in one place.
//
// page -> worker  {id, op, args}                 one request; ops are the keys of OPS in worker.js
// worker -> page  {id, progress, remainingMs}    progress of a long request (fraction 0..1)
//                 {id, partial}                  a refined intermediate result (occlusion)
//                 {id, result}                   the answer; ArrayBuffers inside are transferred
//                 {id, error}                    a readable message; the worker stays usable
//
// Cancelling a request terminates the worker: the client starts a new one and replays the model
// and image loads, so the page stays usable (see client.js).
export const READY = 'ready';

/**
 * What the page is told while a request runs (WorkerClient.send, and everything above it).
 * @typedef {object} RequestCallbacks
 * @property {(fraction: number, remainingMs?: number) => void} [onProgress] progress, 0..1
 * @property {(partial: any) => void} [onPartial] a refined intermediate result (occlusion)
 */

/**
 * A request that has reported progress and then stays silent for `ms` fails with Error(message)
 * (WorkerClient.send).
 * @typedef {{ ms: number, message: string }} Stall
 */
