'use strict';
// Detection through the official JS client: detect on the package's demo
// images (every reference face found, sane rectangles, 27 landmarks, uuid
// faceIds), and AddFace without targetFace: a single-face crop is added,
// the group picture is refused as the service refuses it, and with
// targetFace it is added. The server runs with the weights of
// scripts/fetch-models; without them the tests skip, except under CI.
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test } = require('node:test');
const { serverTest } = require('../lib/harness');
const { expectError, expectStatus } = require('../lib/expect');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LANDMARKS = [
  'pupilLeft', 'pupilRight', 'noseTip', 'mouthLeft', 'mouthRight',
  'eyebrowLeftOuter', 'eyebrowLeftInner', 'eyeLeftOuter', 'eyeLeftTop', 'eyeLeftBottom', 'eyeLeftInner',
  'eyebrowRightInner', 'eyebrowRightOuter', 'eyeRightInner', 'eyeRightTop', 'eyeRightBottom', 'eyeRightOuter',
  'noseRootLeft', 'noseRootRight', 'noseLeftAlarTop', 'noseRightAlarTop', 'noseLeftAlarOutTip', 'noseRightAlarOutTip',
  'upperLipTop', 'upperLipBottom', 'underLipTop', 'underLipBottom',
];
const SAMPLES = ['sample1', 'sample2', 'sample3', 'sample4', 'sample5', 'sample6'];

// FACESNAP_MODELS is relative to the repository root, as the scripts read it.
const MODELS = path.resolve(ROOT, process.env.FACESNAP_MODELS || path.join('.cache', 'face-api'));
const haveWeights = fs.existsSync(path.join(MODELS, 'ssd_mobilenetv1_model-weights_manifest.json'));
if (!haveWeights && process.env.CI) {
  throw new Error(`face engine weights not in ${MODELS} (CI is set): run scripts/fetch-models before the tests`);
}
const skip = haveWeights ? false : `face engine weights not in ${MODELS}: run scripts/fetch-models first`;

function demo(name) {
  const golden = JSON.parse(fs.readFileSync(path.join(ROOT, 'engine', 'testdata', 'golden', `${name}.json`), 'utf8'));
  return {
    name,
    data: fs.readFileSync(path.join(MODELS, `${name}.jpg`)),
    width: golden.width,
    height: golden.height,
    boxes: golden.faces.map(({ box }) => ({
      left: Math.trunc(box.x), top: Math.trunc(box.y), width: Math.trunc(box.width), height: Math.trunc(box.height),
    })),
  };
}

function iou(a, b) {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  const inter = w > 0 && h > 0 ? w * h : 0;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

// Node has no image codec, and the Go toolchain is there (the harness
// builds facesnap with it): a few lines of Go cut and encode the crop.
const CROP_GO = `package main

import (
	"image"
	"image/jpeg"
	"os"
	"strconv"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	src, err := jpeg.Decode(f)
	if err != nil {
		panic(err)
	}
	var v [4]int
	for i := range v {
		if v[i], err = strconv.Atoi(os.Args[2+i]); err != nil {
			panic(err)
		}
	}
	sub := src.(interface{ SubImage(image.Rectangle) image.Image }).SubImage(image.Rect(v[0], v[1], v[2], v[3]))
	if err := jpeg.Encode(os.Stdout, sub, &jpeg.Options{Quality: 95}); err != nil {
		panic(err)
	}
}
`;

// crop cuts face i out of a demo image with a margin of half its size,
// after checking that no other face reaches into the crop.
function crop(d, i) {
  const b = d.boxes[i];
  const r = {
    x0: Math.max(0, b.left - Math.trunc(b.width / 2)), y0: Math.max(0, b.top - Math.trunc(b.height / 2)),
    x1: Math.min(d.width, b.left + Math.trunc(b.width * 3 / 2)), y1: Math.min(d.height, b.top + Math.trunc(b.height * 3 / 2)),
  };
  d.boxes.forEach((o, j) => {
    const apart = o.left >= r.x1 || o.left + o.width <= r.x0 || o.top >= r.y1 || o.top + o.height <= r.y0;
    assert.ok(j === i || apart, `${d.name}: face ${j} reaches into the crop of face ${i}`);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facesnap-crop-'));
  try {
    fs.writeFileSync(path.join(dir, 'crop.go'), CROP_GO);
    return execFileSync('go', ['run', 'crop.go', path.join(MODELS, `${d.name}.jpg`), r.x0, r.y0, r.x1, r.y1].map(String),
      { cwd: dir, maxBuffer: 16 << 20, timeout: 120_000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// checkDetected: every reference face found (IoU ≥ 0.9: the same network,
// rounded), largest first, inside the image, uuid faceIds, 27 landmarks on
// the face.
function checkDetected(d, faces) {
  assert.equal(faces.length, d.boxes.length, `${d.name}: ${faces.length} faces, want the reference's ${d.boxes.length}`);
  d.boxes.forEach((want, i) => {
    const best = Math.max(...faces.map((f) => iou(f.faceRectangle, want)));
    assert.ok(best >= 0.9, `${d.name}: reference face ${i} ${JSON.stringify(want)} found with IoU ${best.toFixed(2)} at best`);
  });
  faces.forEach((f, i) => {
    const r = f.faceRectangle;
    assert.ok(r.width >= 36 && r.height >= 36 && r.left >= 0 && r.top >= 0 && r.left + r.width <= d.width && r.top + r.height <= d.height,
      `${d.name}: face ${i} rectangle ${JSON.stringify(r)}`);
    if (i > 0) {
      const p = faces[i - 1].faceRectangle;
      assert.ok(p.width * p.height >= r.width * r.height, `${d.name}: face ${i} larger than face ${i - 1}, want largest first`);
    }
    assert.match(f.faceId, UUID, `${d.name}: face ${i} faceId`);
    assert.deepEqual(Object.keys(f.faceLandmarks), LANDMARKS, `${d.name}: face ${i} landmark names`);
    for (const name of LANDMARKS) {
      const { x, y } = f.faceLandmarks[name];
      assert.ok(x >= r.left - r.width / 4 && x <= r.left + r.width * 5 / 4 && y >= r.top - r.height / 4 && y <= r.top + r.height * 5 / 4,
        `${d.name}: face ${i} ${name} at (${x}, ${y}), outside ${JSON.stringify(r)}`);
    }
  });
}

const withEngine = { extraArgs: ['--models', MODELS] };

if (skip) {
  test('detect: demo images and AddFace without targetFace', { skip }, () => {});
} else {
  serverTest('detect: every face of the demo images', withEngine, async (t, { srv, a, A }) => {
    for (const name of SAMPLES) {
      await t.test(name, async () => {
        const d = demo(name);
        const faces = await A.face.detectWithStream(d.data, { returnFaceId: true, returnFaceLandmarks: true });
        expectStatus(faces, 200);
        checkDetected(d, faces);
      });
    }
    await t.test('recognitionModel only when asked for (raw: the client fills in a default)', async () => {
      const res = await srv.raw('POST', '/detect?returnFaceId=false', { key: a.key, contentType: 'application/octet-stream', body: demo('sample2').data });
      assert.equal(res.status, 200, res.text);
      assert.ok(res.json.length > 0);
      for (const f of res.json) assert.deepEqual(Object.keys(f), ['faceRectangle']);
    });
    await t.test('returnRecognitionModel', async () => {
      const faces = await A.face.detectWithStream(demo('sample2').data, { returnRecognitionModel: true, recognitionModel: 'recognition_04' });
      assert.ok(faces.length > 0);
      for (const f of faces) assert.equal(f.recognitionModel, 'recognition_04');
    });
    await t.test('face attributes are refused: none is computed', async () => {
      await expectError(A.face.detectWithStream(demo('sample2').data, { returnFaceAttributes: ['age'] }), 400, 'BadArgument');
    });
  });

  serverTest('detect: add faces without targetFace on every holder', withEngine, async (t, { A }) => {
    const d = demo('sample1');
    const single = crop(d, 0);
    const [found] = await A.face.detectWithStream(single, { returnFaceId: false });
    assert.ok(found && found.faceRectangle, 'detect finds the face of the crop');
    const b = d.boxes[1];
    const framed = [b.left, b.top, b.width, b.height];
    const holders = [
      { name: 'FaceList', make: async (id) => {
        await A.faceList.create(id, id);
        return { add: (img, o) => A.faceList.addFaceFromStream(id, img, o), count: async () => (await A.faceList.get(id)).persistedFaces.length };
      } },
      { name: 'LargeFaceList', make: async (id) => {
        await A.largeFaceList.create(id, id);
        return { add: (img, o) => A.largeFaceList.addFaceFromStream(id, img, o), count: async () => (await A.largeFaceList.listFaces(id)).length };
      } },
      { name: 'PersonGroupPerson', make: async (id) => {
        await A.personGroup.create(id, id);
        const { personId } = await A.personGroupPerson.create(id, { name: 'p' });
        return { add: (img, o) => A.personGroupPerson.addFaceFromStream(id, personId, img, o), count: async () => (await A.personGroupPerson.get(id, personId)).persistedFaceIds.length };
      } },
      { name: 'LargePersonGroupPerson', make: async (id) => {
        await A.largePersonGroup.create(id, id);
        const { personId } = await A.largePersonGroupPerson.create(id, { name: 'p' });
        return { add: (img, o) => A.largePersonGroupPerson.addFaceFromStream(id, personId, img, o), count: async () => (await A.largePersonGroupPerson.get(id, personId)).persistedFaceIds.length };
      } },
    ];
    for (const hk of holders) {
      await t.test(hk.name, async () => {
        const h = await hk.make(`detect-${hk.name.toLowerCase()}`);
        const f = await h.add(single, { userData: 'crop' });
        expectStatus(f, 200);
        assert.match(f.persistedFaceId, UUID);
        const err = await expectError(h.add(d.data, {}), 400, 'InvalidImage');
        assert.match(err.body.error.message, /more than 1 face/);
        expectStatus(await h.add(d.data, { targetFace: framed }), 200);
        assert.equal(await h.count(), 2);
      });
    }
  });
}
