// The architecture view's graph (web/src/graph_layout.js, graph_placement.js) on the models as the generator writes
// them: its blocks are keras.applications' blocks, its edges with every block open are exactly the
// summary's inbound links, folded blocks keep every link between boxes, and dagre's layout puts
// boxes apart with each edge running from its source's border down to its target's.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { blocksOf, FOLD_ABOVE, graphOf, placedGraph, placementOf, sizedBoxes } from '../../web/src/graph_layout.js';
import { placeGraph } from '../../web/src/graph_placement.js';
import { convert, GRAPH_MODELS, kerasFile, NARROW } from '../support/keras_files.mjs';
import { loadConvscope, summaryRows } from '../support/load_module.mjs';
import { smallModel } from '../support/models.mjs';

const m = await loadConvscope();

const rowsOf = (bytes) => summaryRows(m, bytes);

const models = {
  vgg16: rowsOf(smallModel().bytes),
  ...Object.fromEntries(GRAPH_MODELS.map((g) => [g, rowsOf(convert(kerasFile(g, 'keras3', NARROW).path).bytes)])),
};
// Each label a little wider than 12 px system-ui would make it.
const measure = (text, bold) => text.length * (bold ? 8 : 7.5);
// What the page's worker makes, on this thread.
function layoutGraph(graph) {
  const boxes = sizedBoxes(graph, measure);
  return placedGraph(graph, boxes, placeGraph(placementOf(graph, boxes)));
}
const links = (rows) => rows.flatMap((r) => r.inputs.map((i) => `${i}->${r.name}`)).sort();

test('blocks are the blocks keras.applications names', () => {
  const blocks = (name) => [...new Set(blocksOf(models[name]).values())];
  assert.deepEqual(blocks('vgg16'), ['block1', 'block2', 'block3', 'block4', 'block5']);
  const stages = [3, 4, 6, 3].flatMap((n, s) => Array.from({ length: n }, (_, b) => `conv${s + 2}_block${b + 1}`));
  assert.deepEqual(blocks('resnet50'), ['conv1', 'pool1', ...stages]);
  const mobilenet = ['expanded_conv', ...Array.from({ length: 16 }, (_, i) => `block_${i + 1}`), 'Conv_1'];
  assert.deepEqual(blocks('mobilenetv2'), mobilenet);
  assert.deepEqual(blocks('efficientnetb0').slice(0, 5), ['stem', 'block1a', 'block2a', 'block2b', 'block3a']);
  assert.equal(blocks('efficientnetb0').at(-1), 'top');
  assert.equal(blocks('densenet121').length, 1 + 6 + 12 + 24 + 16 + 3);
  // A block is a run of the rows: no layer of another block, or of none, in the middle of one.
  for (const [name, rows] of Object.entries(models)) {
    const of = blocksOf(rows);
    const runs = rows.map((r) => of.get(r.name)).filter((b, i, all) => b !== undefined && b !== all[i - 1]);
    assert.equal(runs.length, new Set(runs).size, name);
    assert.equal(of.has(rows[0].name) || of.has(rows.at(-1).name), false, `${name}: input or output in a block`);
  }
});

test('every block open, the edges are exactly the inbound links', () => {
  for (const [name, rows] of Object.entries(models)) {
    const graph = graphOf(rows, new Set(blocksOf(rows).values()));
    assert.deepEqual(
      graph.boxes.map((b) => b.id),
      rows.map((r) => r.name),
      name,
    );
    assert.deepEqual(graph.edges.map((e) => `${e.from}->${e.to}`).sort(), links(rows), name);
  }
});

test('folded blocks keep every link between boxes, and none inside', () => {
  for (const [name, rows] of Object.entries(models)) {
    const blocks = blocksOf(rows);
    const graph = graphOf(rows, new Set());
    const boxOf = (layer) => (blocks.has(layer) ? `block:${blocks.get(layer)}` : layer);
    const expected = new Set(
      rows.flatMap((r) =>
        r.inputs
          .map((i) => [boxOf(i), boxOf(r.name)])
          .filter(([a, b]) => a !== b)
          .map((e) => e.join('->')),
      ),
    );
    assert.deepEqual(new Set(graph.edges.map((e) => `${e.from}->${e.to}`)), expected, name);
    assert.equal(graph.edges.length, expected.size, `${name}: an edge twice`);
    assert.equal(
      graph.boxes.reduce((n, b) => n + b.layers.length, 0),
      rows.length,
      name,
    );
    assert.equal(graph.clusters.length, 0);
  }
  assert.equal(graphOf(models.resnet50, new Set()).boxes.length, 21);
  assert.ok(models.resnet50.length > FOLD_ABOVE && models.vgg16.length <= FOLD_ABOVE);
});

test('the layout puts boxes apart and runs each edge from border to border, downward', () => {
  for (const [name, rows] of Object.entries(models)) {
    for (const open of [new Set(), new Set([...blocksOf(rows).values()].slice(0, 2))]) {
      const layout = layoutGraph(graphOf(rows, open));
      const byId = new Map(layout.boxes.map((b) => [b.id, b]));
      for (const b of layout.boxes) {
        assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= layout.width && b.y + b.height <= layout.height, b.id);
      }
      const sorted = [...layout.boxes].sort((a, b) => a.y - b.y || a.x - b.x);
      for (const [i, a] of sorted.entries())
        for (const b of sorted.slice(i + 1)) {
          if (b.y >= a.y + a.height) break;
          assert.ok(b.x >= a.x + a.width || a.x >= b.x + b.width, `${name}: ${a.id} and ${b.id} overlap`);
        }
      for (const e of layout.edges) {
        const [from, to] = [byId.get(e.from), byId.get(e.to)];
        const [first, last] = [e.points[0], e.points.at(-1)];
        assert.ok(Math.abs(first.y - (from.y + from.height)) < 1, `${name}: ${e.from}->${e.to} starts off its source`);
        assert.ok(Math.abs(last.y - to.y) < 1, `${name}: ${e.from}->${e.to} ends off its target`);
        assert.ok(to.y > from.y, `${name}: ${e.from}->${e.to} runs up`);
      }
      for (const c of layout.clusters)
        for (const layer of c.layers) {
          const b = byId.get(layer);
          assert.ok(b.x >= c.x && b.y >= c.y && b.x + b.width <= c.x + c.width && b.y + b.height <= c.y + c.height);
        }
    }
  }
});

// A row as the summary gives it, for the cases no generated model has.
const row = (name, inputs = [], category = 'Layer') => ({
  name,
  inputs,
  category,
  type: 'Conv2D',
  outputShape: [4, 4, 1],
});

test('a lone layer, an input that names no layer, a block name used twice', () => {
  const lone = [row('input_1', [], 'Data')];
  const graph = graphOf(lone, new Set());
  assert.deepEqual([graph.boxes.length, graph.edges.length, graph.clusters.length], [1, 0, 0]);
  assert.equal(layoutGraph(graph).boxes.length, 1);
  // An inbound name that is not a layer (the core refuses such files; the view must not draw it).
  const stray = [row('input_1', [], 'Data'), row('a', ['input_1', 'ghost']), row('b', ['a'])];
  assert.deepEqual(graphOf(stray, new Set()).edges, [
    { from: 'input_1', to: 'a' },
    { from: 'a', to: 'b' },
  ]);
  // conv_a, conv_b, pool, conv_c, conv_d: two runs of `conv`, the second named conv#2.
  const twice = [
    row('input_1', [], 'Data'),
    row('conv_a', ['input_1']),
    row('conv_b', ['conv_a']),
    row('pool', ['conv_b']),
    row('conv_c', ['pool']),
    row('conv_d', ['conv_c']),
    row('out', ['conv_d']),
  ];
  assert.deepEqual(
    [...blocksOf(twice)],
    [
      ['conv_a', 'conv'],
      ['conv_b', 'conv'],
      ['conv_c', 'conv#2'],
      ['conv_d', 'conv#2'],
    ],
  );
  assert.deepEqual(
    graphOf(twice, new Set()).edges.map((e) => `${e.from}->${e.to}`),
    ['input_1->block:conv', 'block:conv->pool', 'pool->block:conv#2', 'block:conv#2->out'],
  );
});
