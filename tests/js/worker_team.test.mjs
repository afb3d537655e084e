// The page's rule for how many workers share a split method (web/src/worker_team.js): each
// worker's estimated peak (4.5x the model file + 48 MB) within half the device's memory, at most
// one per core, at most eight, never fewer than one; and how the team treats its workers: each
// loads a model once however many requests want it, one that cannot load leaves the team, split
// work reports its end, and a worker stopped while it boots fails what waits for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { CancelledError, WorkerClient } from '../../web/src/client.js';
import { SPLIT_METHODS } from '../../web/src/catalog.js';
import { MAX_WORKERS, teamSize, WorkerTeam, workerBytes } from '../../web/src/worker_team.js';

test('worker count: cores and the memory budget bound it', () => {
  const vgg16Int8 = 132.1e6,
    vgg16F32 = 553.4e6,
    defaultModel = 1.1e6;
  assert.equal(Math.round(workerBytes(vgg16Int8) / 1e6), 642);
  // This machine's Chromium: 2 cores, 8 GB reported.
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 2, deviceMemoryGB: 8 }), 2);
  assert.equal(teamSize({ modelFileBytes: defaultModel, cores: 2, deviceMemoryGB: 8 }), 2);
  // More cores: the budget (4 GB) holds 6 int8 VGG16 workers, 1 of f32 VGG16 (2.5 GB each).
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 16, deviceMemoryGB: 8 }), 6);
  assert.equal(teamSize({ modelFileBytes: vgg16F32, cores: 16, deviceMemoryGB: 8 }), 1);
  // A small device: int8 VGG16 alone; the default model always gets the cores' workers.
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 4, deviceMemoryGB: 1 }), 1);
  assert.equal(teamSize({ modelFileBytes: defaultModel, cores: 4, deviceMemoryGB: 1 }), 4);
  // Browsers that do not say (Firefox, Safari): 4 GB assumed.
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: 8, deviceMemoryGB: undefined }), 3);
  assert.equal(teamSize({ modelFileBytes: vgg16Int8, cores: undefined, deviceMemoryGB: 8 }), 1);
  assert.deepEqual([...SPLIT_METHODS].sort(), ['ablationcam', 'ig', 'occlusion', 'scorecam', 'smoothgrad']);
});

test('worker count: at most eight, whole cores', () => {
  assert.equal(MAX_WORKERS, 8);
  assert.equal(teamSize({ modelFileBytes: 1.1e6, cores: 64, deviceMemoryGB: 8 }), 8);
  assert.equal(teamSize({ modelFileBytes: 1.1e6, cores: 2.5, deviceMemoryGB: 8 }), 2);
});

// A stand-in for WorkerClient: `answer(op, args, callbacks)` gives each request's result.
function fakeClient(answer) {
  const client = { requests: [], disposed: false, replay: new Map() };
  client.request = async (op, args, callbacks) => {
    client.requests.push(op);
    return answer(op, args, callbacks);
  };
  client.dispose = () => {
    client.disposed = true;
  };
  return client;
}

function teamOf(helperAnswer) {
  const main = fakeClient((op, args) => (op === 'combine' ? { parts: args.parts } : { raw: 'main part' }));
  main.replay.set('model:page', ['loadModel', { model: 'page' }]);
  main.replay.set('image:a', ['setImage', { image: 'a' }]);
  const helpers = [];
  const team = new WorkerTeam(
    main,
    () => {
      const h = fakeClient(helperAnswer);
      helpers.push(h);
      return h;
    },
    () => 2,
  );
  return { main, team, helpers };
}

test('team: a helper loads the model once for requests made at the same time', async () => {
  const { team, helpers } = teamOf(async (op) => {
    await new Promise((r) => setTimeout(r, 20));
    return { raw: op };
  });
  await Promise.all([
    team.clientsFor({ model: 'page', image: 'a' }, 2),
    team.clientsFor({ model: 'page', image: 'a' }, 2),
  ]);
  assert.deepEqual(helpers[0].requests, ['loadModel', 'setImage']);
});

test('team: a helper that cannot load the model leaves, the work goes to the others', async () => {
  const { main, team, helpers } = teamOf(async (op) => {
    if (op === 'loadModel') throw new Error('out of memory');
  });
  const seen = [];
  const result = await team.explain({ model: 'page', image: 'a', method: 'ig', options: {} }, 2, {
    onProgress: (f) => seen.push(f),
  });
  assert.deepEqual(result, { parts: ['main part'] });
  assert.ok(helpers[0].disposed);
  assert.equal(team.workerCount, 0);
  assert.deepEqual(main.requests, ['explainPart', 'combine']);
  // The page's part made no pass that reports progress; its end still counts.
  assert.equal(seen.at(-1), 1);
});

test('team: a cancelled load is a cancel, not a failed helper', async () => {
  const { team } = teamOf(async () => {
    throw new CancelledError();
  });
  await assert.rejects(team.clientsFor({ model: 'page', image: 'a' }, 2), CancelledError);
});

test('client: stopping a worker that is still booting fails what waits for it', async () => {
  const worker = { postMessage() {}, terminate() {} }; // never says it is ready
  const client = new WorkerClient(() => worker, {});
  const waiting = client.request('setImage', { image: 'a' });
  client.dispose();
  await assert.rejects(waiting, CancelledError);
  const restarted = new WorkerClient(() => worker, {});
  const before = restarted.request('setImage', { image: 'a' });
  restarted.cancel();
  await assert.rejects(before, CancelledError);
});
