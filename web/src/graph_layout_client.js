// Lays out the architecture graph: the boxes measured here, where the page's fonts are, and placed
// by a worker of its own (graph_layout_worker.js), started on first use.
import LayoutWorker from './graph_layout_worker.js?worker&inline';
import { placedGraph, placementOf, sizedBoxes } from './graph_layout.js';

/** @type {Worker | undefined} */
let worker;
let next = 0;
const waiting = new Map();

function startWorker() {
  const w = new LayoutWorker();
  w.onmessage = ({ data }) => {
    if (!waiting.has(data.id)) return; // asked of a worker that failed since
    const { resolve, reject } = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error) reject(new Error(`could not lay out the graph: ${data.error}`));
    else resolve(data.places);
  };
  // A worker that failed is started afresh for the next layout.
  w.onerror = (e) => {
    w.terminate();
    worker = undefined;
    for (const { reject } of waiting.values()) reject(new Error(`could not lay out the graph: ${e.message}`));
    waiting.clear();
  };
  return w;
}

/**
 * @param {ReturnType<typeof import('./graph_layout.js').graphOf>} graph
 * @param {(text: string, bold: boolean) => number} measure
 */
export async function layoutOffThread(graph, measure) {
  const boxes = sizedBoxes(graph, measure);
  worker ??= startWorker();
  const id = next++;
  /** @type {Promise<ReturnType<typeof import('./graph_placement.js').placeGraph>>} */
  const places = new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
  worker.postMessage({ id, placement: placementOf(graph, boxes) });
  return placedGraph(graph, boxes, await places);
}
