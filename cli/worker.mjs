// A --jobs worker: loads its own module and the model (the bytes the main thread loaded: a Keras
// file is converted once), explains the images the main thread sends.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

import { explainImage } from './explain_image.mjs';
import { loadModule } from './module.mjs';

const m = await loadModule({ threads: workerData.threads });
const model = m.Model.load(workerData.modelBytes);
parentPort.on('message', (job) => {
  if (job === null) {
    model.release();
    m.exitThreads();
    parentPort.close();
    return;
  }
  try {
    const bytes = readFileSync(job.file);
    const result = explainImage(m, model, { ...job, bytes }, workerData.options, (fraction) =>
      parentPort.postMessage({ index: job.index, fraction }),
    );
    parentPort.postMessage({ index: job.index, result });
  } catch (e) {
    parentPort.postMessage({ index: job.index, error: e.message });
  }
});
const { variant, threads } = model.info();
parentPort.postMessage({ ready: true, engine: { variant, threads } });
