// report.json and index.html for `convscope explain`.
import path from 'node:path';

import { METRIC_INFO } from './catalog.mjs';
import { curveKey, curveSvg, escape, scoreLine } from '../web/src/metric_curves.js';

// A map's measurements (explain_image.mjs): a curve beside the random map's, or the numbers.
function metricsHtml(metrics) {
  return metrics
    .map((r) => {
      const info = METRIC_INFO.get(r.metric);
      const numbers = escape(scoreLine(info, r));
      if (!r.x.length) return `<p class="metric">${numbers}</p>`;
      return `<figure class="metric">${curveSvg(info, r)}<figcaption>${numbers}<br>probability against ${escape(info.x)}: ${escape(curveKey(r))}</figcaption></figure>`;
    })
    .join('\n');
}

export function indexHtml(report, outDir) {
  const sections = report.images
    .map((img) => {
      const title = `${escape(img.source)}${img.error ? ` — failed: ${escape(img.error)}` : ` — ${escape(img.predictions[0]?.label ?? '')}`}`;
      const figures = (img.outputs ?? [])
        .map((o) => {
          const src = path.relative(outDir, o.file).split(path.sep).map(encodeURIComponent).join('/');
          const figure = `<figure><img src="${src}" alt="${escape(o.Method)}"><figcaption>${escape(o.Method)}${o.Layer ? ` · ${escape(o.Layer)}` : ''}</figcaption></figure>`;
          return o.metrics ? `<div class="measured">${figure}\n${metricsHtml(o.metrics)}</div>` : figure;
        })
        .join('\n');
      const unlike = img.unlike?.sentence ? `<p class="unlike">${escape(img.unlike.sentence)}</p>\n` : '';
      return `<section><h2>${title}</h2>\n${unlike}${figures}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<meta charset="utf-8">
<title>convscope: ${escape(report.model.name)}</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; background: #fafafa; }
section { margin-bottom: 2em; }
figure { display: inline-block; margin: 0 1em 1em 0; vertical-align: top; }
img { max-width: 420px; image-rendering: pixelated; border: 1px solid #ccc; }
figcaption { color: #555; }
.measured { display: inline-block; vertical-align: top; }
figure.metric figcaption, p.metric { max-width: 420px; font-size: 12px; }
.unlike { color: #8a4b00; }
</style>
<h1>convscope · ${escape(report.model.name)} (${escape(report.model.precision)}, ${report.model.params.toLocaleString('en-US')} parameters)</h1>
${sections}
`;
}
