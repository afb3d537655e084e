// Where the architecture graph's boxes go: dagre's layered layout (@dagrejs/dagre, the layout
// Netron's own grew from), top to bottom, so that a residual block reads as a fork and a join. A
// layout of our own would have to learn again what dagre does (crossing reduction, long edges
// routed between ranks, blocks kept together as clusters); elkjs does as much at twenty times the
// size. Runs in graph_layout_worker.js: opening every block of a large model takes dagre longer
// than the page may hold its thread (docs/measurements.md).
import { Graph, layout } from '@dagrejs/dagre';

// dagre's layout of a placement: the drawing's size, each box's and cluster's top-left corner
// (and a cluster's size), each edge's points, in the placement's order. An open block's name goes
// over its frame, in the space between ranks (ranksep).
/** @param {ReturnType<typeof import('./graph_layout.js').placementOf>} placement */
export function placeGraph(placement) {
  const g = new Graph({ compound: true, multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 16, ranksep: 30, marginx: 12, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const b of placement.boxes) g.setNode(b.id, { width: b.width, height: b.height });
  for (const c of placement.clusters) {
    g.setNode(c.id, {});
    for (const layer of c.layers) g.setParent(layer, c.id);
  }
  for (const e of placement.edges) g.setEdge(e.from, e.to);
  layout(g);
  const corner = (id) => {
    const n = g.node(id);
    return { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height };
  };
  return {
    width: Math.ceil(g.graph().width ?? 0),
    height: Math.ceil(g.graph().height ?? 0),
    boxes: placement.boxes.map((b) => corner(b.id)),
    clusters: placement.clusters.map((c) => corner(c.id)),
    edges: placement.edges.map((e) => g.edge(e.from, e.to).points),
  };
}
