// Runs the reference face-api (@vladmandic/face-api on @tensorflow/tfjs with
// the wasm backend) over the demo images, for two callers:
//   node reference.js golden PPM_DIR MODELS_DIR OUT_DIR   writes one JSON per image
//   node reference.js bench PPM_DIR MODELS_DIR ROUNDS     prints timings as JSON
// The images come as binary PPM files written by engine/internal/ppmdump:
// the very pixels the Go engine sees. JPEG decoders differ by a few levels
// per pixel (Go's image/jpeg and JavaScript ones alike), and the landmark
// net turns that into pixels of difference; the comparison is of the
// networks, so both sides start from the same pixels.
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

const SAMPLES = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg'];
// The engine's detection_01 settings; the package's defaults.
const SSD_OPTIONS = { minConfidence: 0.5, maxResults: 100 };
const TINY_OPTIONS = { inputSize: 416, scoreThreshold: 0.5 };

async function setup(modelsDir) {
  // Local wasm binaries: nothing is fetched at run time.
  wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), path.sep));
  await tf.setBackend('wasm');
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelsDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelsDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelsDir);
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelsDir);
}

// readImage reads a binary PPM (P6, maxval 255) into an int32 [h, w, 3]
// tensor, the input the reference takes from a decoded image.
function readImage(file) {
  const buf = fs.readFileSync(file);
  const header = buf.toString('latin1', 0, 64).match(/^P6\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error(`${file}: not a binary PPM`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  const rgb = new Int32Array(buf.subarray(header[0].length, header[0].length + width * height * 3));
  return { tensor: tf.tensor3d(rgb, [height, width, 3], 'int32'), width, height };
}

const r4 = (v) => Math.round(v * 1e4) / 1e4;

async function golden(ppmDir, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of SAMPLES) {
    const { tensor, width, height } = readImage(path.join(ppmDir, name.replace(/\.jpg$/, '.ppm')));
    const results = await faceapi
      .detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options(SSD_OPTIONS))
      .withFaceLandmarks()
      .withFaceDescriptors();
    const tiny = await faceapi.detectAllFaces(tensor, new faceapi.TinyFaceDetectorOptions(TINY_OPTIONS));
    tensor.dispose();
    const faces = results.map((r) => {
      const b = r.detection.box;
      const a = r.landmarks.align(null, { useDlibAlignment: true });
      return {
        score: r4(r.detection.score),
        box: { x: r4(b.x), y: r4(b.y), width: r4(b.width), height: r4(b.height) },
        landmarks: r.landmarks.positions.map((p) => [r4(p.x), r4(p.y)]),
        alignedBox: { x: r4(a.x), y: r4(a.y), width: r4(a.width), height: r4(a.height) },
        descriptor: Array.from(r.descriptor, (v) => Math.round(v * 1e6) / 1e6),
      };
    });
    const out = {
      image: name,
      width,
      height,
      reference: `@vladmandic/face-api@${faceapi.version} tfjs@${tf.version_core} backend=${tf.getBackend()}`,
      options: SSD_OPTIONS,
      faces,
      tinyOptions: TINY_OPTIONS,
      tinyFaces: tiny.map((d) => ({
        score: r4(d.score),
        box: { x: r4(d.box.x), y: r4(d.box.y), width: r4(d.box.width), height: r4(d.box.height) },
      })),
    };
    const file = path.join(outDir, name.replace(/\.jpg$/, '.json'));
    fs.writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
    console.log(`${file}: ${faces.length} faces`);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// bench times the stages the Go engine offers, on the same inputs:
// detect = SSD detection plus 68 landmarks for every face of an image (and
// the same with the tiny detector);
// descriptor = crop and recognition net for one face; pipeline = both for
// a whole image, in wall-clock and in CPU time (all threads). Medians over
// the rounds, after one warm-up round.
async function bench(ppmDir, rounds) {
  const images = SAMPLES.map((n) => readImage(path.join(ppmDir, n.replace(/\.jpg$/, '.ppm'))));
  const opts = new faceapi.SsdMobilenetv1Options(SSD_OPTIONS);
  const detectMs = [];
  const tinyMs = [];
  const perFaceDetectMs = [];
  const descriptorMs = [];
  const pipelineMs = [];
  const pipelineCpuMs = [];
  let faces = 0;
  let totalMs = 0;
  for (let round = -1; round < rounds; round++) {
    for (const img of images) {
      let t0 = performance.now();
      const dets = await faceapi.detectAllFaces(img.tensor, opts).withFaceLandmarks();
      const td = performance.now() - t0;
      t0 = performance.now();
      await faceapi.detectAllFaces(img.tensor, new faceapi.TinyFaceDetectorOptions(TINY_OPTIONS)).withFaceLandmarks();
      const tt = performance.now() - t0;
      const tdesc = [];
      for (const d of dets) {
        t0 = performance.now();
        const box = d.landmarks.align(null, { useDlibAlignment: true });
        const [crop] = await faceapi.extractFaceTensors(img.tensor, [box]);
        await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(crop);
        crop.dispose();
        tdesc.push(performance.now() - t0);
      }
      t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const full = await faceapi.detectAllFaces(img.tensor, opts).withFaceLandmarks().withFaceDescriptors();
      const tp = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (round < 0) continue;
      detectMs.push(td);
      tinyMs.push(tt);
      if (dets.length) perFaceDetectMs.push(td / dets.length);
      descriptorMs.push(...tdesc);
      pipelineMs.push(tp);
      pipelineCpuMs.push((cpu.user + cpu.system) / 1000);
      faces += full.length;
      totalMs += tp;
    }
  }
  console.log(JSON.stringify({
    runner: `node ${process.version} @vladmandic/face-api@${faceapi.version} tfjs@${tf.version_core} backend=${tf.getBackend()}`,
    rounds,
    images: images.length,
    detectImageMedianMs: median(detectMs),
    detectPerFaceMedianMs: median(perFaceDetectMs),
    tinyDetectImageMedianMs: median(tinyMs),
    descriptorPerFaceMedianMs: median(descriptorMs),
    pipelineImageMedianMs: median(pipelineMs),
    pipelineImageCpuMedianMs: median(pipelineCpuMs),
    facesPerSecond: (faces * 1000) / totalMs,
  }));
}

async function main() {
  const [mode, ppmDir, modelsDir, arg] = process.argv.slice(2);
  await setup(modelsDir);
  if (mode === 'golden') await golden(ppmDir, arg);
  else if (mode === 'bench') await bench(ppmDir, Number(arg || 3));
  else throw new Error(`unknown mode ${mode}`);
}

main().catch((err) => { console.error(err); process.exit(1); });
