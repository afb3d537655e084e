// The architecture view's layout worker: dagre's layout of a graph of boxes (graph_placement.js)
// off the page's thread, where opening every block of a large model would hold it for
// over half a second (docs/measurements.md). Not the model's worker, which may be busy for minutes.
import { placeGraph } from './graph_placement.js';

self.onmessage = ({ data: { id, placement } }) => {
  try {
    self.postMessage({ id, places: placeGraph(placement) });
  } catch (e) {
    self.postMessage({ id, error: String(e?.message ?? e) });
  }
};
