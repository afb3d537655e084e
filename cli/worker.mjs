// A --jobs worker: loads its own module and model, explains the images the main thread sends.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

import { explainImage } from './explain_image.mjs';
import { loadModule } from './module.mjs';

const m = await loadModule();
const model = m.Model.load(readFileSync(workerData.modelPath));
parentPort.on('message', (job) => {
  if (job === null) {
    model.release();
    parentPort.close();
    return;
  }
  try {
    const bytes = readFileSync(job.file);
    const result = explainImage(m, model, { ...job, bytes }, workerData.options,
      (fraction) => parentPort.postMessage({ index: job.index, fraction }));
    parentPort.postMessage({ index: job.index, result });
  } catch (e) {
    parentPort.postMessage({ index: job.index, error: e.message });
  }
});
parentPort.postMessage({ ready: true });
