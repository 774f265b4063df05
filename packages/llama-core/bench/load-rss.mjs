// Child process: load a saved model and report peak RSS (fresh process, so the number is clean).
import { loadModel } from '../dist/index.js';

const dir = process.argv[2];
const before = process.memoryUsage().rss;
const started = performance.now();
const model = await loadModel(dir);
const seconds = (performance.now() - started) / 1000;
const peakRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ before, peakRss, seconds, backend: model.backend?.name })}\n`);
model.dispose();
