// Unit tests of the viewer's string <-> controls round trip (assets/viewer/process.js), run with
// Node's built-in runner by tests/viewer.rs (`node --test tests/viewer/`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  ACTIONS,
  ACTION_NAMES,
  FONTS,
  GRAVITIES,
  applyControl,
  checkValue,
  controlValue,
  decodeBase64Url,
  encodeBase64Url,
  moveStep,
  newStep,
  parse,
  serialize,
} from '../../assets/viewer/process.js';

/** A valid value a user could put in a control of `spec`, different from the defaults. */
function sample(spec) {
  switch (spec.type) {
    case 'int':
      return String(Math.min(spec.max, Math.max(spec.min, 7)));
    case 'enum':
      return spec.options[spec.options.length - 1];
    case 'color':
      return '#ff8800';
    case 'gravity':
      return 'se';
    case 'text':
      return 'Hello, 世界 ~?>';
    case 'font':
      return 'droidsansfallback';
    case 'key':
      return 'dir/panda.png?x-oss-process=image/resize,P_10';
    default:
      throw new Error(`no sample for ${spec.type}`);
  }
}

test('the schema has the 17 actions of the spec', () => {
  assert.deepEqual(ACTION_NAMES.slice().sort(), [
    'auto-orient', 'average-hue', 'blur', 'bright', 'circle', 'contrast', 'crop', 'format',
    'indexcrop', 'info', 'interlace', 'quality', 'resize', 'rotate', 'rounded-corners',
    'sharpen', 'watermark',
  ]);
});

for (const name of ACTION_NAMES) {
  test(`every control of ${name} round-trips through the string`, () => {
    const step = { name, args: [] };
    for (const spec of ACTIONS[name].params) {
      const v = sample(spec);
      assert.equal(checkValue(name, spec.key, v), '', `${name}.${spec.key} sample is valid`);
      applyControl(step, spec.key, v);
    }
    const s = serialize([step]);
    assert.ok(s.startsWith(`image/${name}`), s);
    const back = parse(s).steps;
    assert.equal(back.length, 1, s);
    for (const spec of ACTIONS[name].params) {
      const want = sample(spec);
      assert.equal(controlValue(back[0], spec.key), want, `${name}.${spec.key} in ${s}`);
    }
    // And the string is printed back exactly.
    assert.equal(serialize(back), s);
    // Clearing every control empties the action.
    for (const spec of ACTIONS[name].params) applyControl(back[0], spec.key, '');
    assert.equal(serialize(back), `image/${name}`);
  });

  test(`a new ${name} step prints and parses back`, () => {
    const s = serialize([newStep(name)]);
    assert.equal(serialize(parse(s).steps), s);
  });
}

test('controls build resize,w_200/rotate,90', () => {
  const steps = [newStep('resize'), newStep('rotate')];
  applyControl(steps[0], 'w', '200');
  applyControl(steps[1], '', '90');
  assert.equal(serialize(steps), 'image/resize,w_200/rotate,90');
  const parsed = parse('image/resize,w_200/rotate,90').steps;
  assert.equal(controlValue(parsed[0], 'w'), '200');
  assert.equal(controlValue(parsed[0], 'h'), '');
  assert.equal(controlValue(parsed[1], ''), '90');
});

test('exact strings of each control kind', () => {
  const wm = { name: 'watermark', args: [] };
  applyControl(wm, 'text', 'Hello ossimg');
  applyControl(wm, 'type', 'wqy-zenhei');
  applyControl(wm, 'color', '#ff0000');
  applyControl(wm, 'g', 'center');
  applyControl(wm, 'voffset', '-20');
  assert.equal(
    serialize([wm]),
    'image/watermark,text_SGVsbG8gb3NzaW1n,type_d3F5LXplbmhlaQ,color_FF0000,g_center,voffset_-20',
  );
  const q = { name: 'quality', args: [] };
  applyControl(q, '', 'lossless');
  assert.equal(serialize([q]), 'image/quality,lossless');
});

test('font names encode as the spec table says', () => {
  const table = {
    'wqy-zenhei': 'd3F5LXplbmhlaQ',
    'wqy-microhei': 'd3F5LW1pY3JvaGVp',
    fangzhengshusong: 'ZmFuZ3poZW5nc2h1c29uZw',
    fangzhengkaiti: 'ZmFuZ3poZW5na2FpdGk',
    fangzhengheiti: 'ZmFuZ3poZW5naGVpdGk',
    fangzhengfangsong: 'ZmFuZ3poZW5nZmFuZ3Nvbmc',
    droidsansfallback: 'ZHJvaWRzYW5zZmFsbGJhY2s',
  };
  assert.deepEqual(FONTS.slice().sort(), Object.keys(table).sort());
  for (const [name, enc] of Object.entries(table)) {
    assert.equal(encodeBase64Url(name), enc);
    const st = { name: 'watermark', args: [{ k: 'type', v: enc }] };
    assert.equal(controlValue(st, 'type'), name);
  }
});

test('spec strings survive parse and print unchanged', () => {
  for (const s of [
    'image/resize,m_fill,w_300,h_300,limit_0/auto-orient,0/quality,q_90/watermark,image_cGFuZGEucG5n,t_61,g_se,y_10,x_10',
    'image/crop,w_100,h_100,x_100,y_100,r_1',
    'image/resize,p_50',
    'image/watermark,text_SGVsbG8g5LiW55WM,type_ZHJvaWRzYW5zZmFsbGJhY2s,size_30,t_50,g_nw,x_10,y_10',
    'image/indexcrop,x_100,i_0/circle,r_100/format,png',
    'image/blur,r_3,s_2/bright,50/contrast,-50/sharpen,100/interlace,1/rounded-corners,r_30',
    'image/info',
    'image/average-hue',
  ]) {
    assert.equal(serialize(parse(s).steps), s);
  }
});

test('unknown keys keep their place when a control changes', () => {
  const [st] = parse('image/crop,w_100,r_1,h_100').steps;
  applyControl(st, 'w', '50');
  applyControl(st, 'g', 'se');
  assert.equal(serialize([st]), 'image/crop,w_50,r_1,h_100,g_se');
});

test('parse accepts the forms a user may paste', () => {
  assert.deepEqual(parse('resize,w_1').steps, [{ name: 'resize', args: [{ k: 'w', v: '1' }] }]);
  assert.deepEqual(parse('x-oss-process=image/rotate,90').steps, [
    { name: 'rotate', args: [{ k: '', v: '90' }] },
  ]);
  assert.deepEqual(parse('image/resize,w_1//rotate,9'), {
    steps: [
      { name: 'resize', args: [{ k: 'w', v: '1' }] },
      { name: 'rotate', args: [{ k: '', v: '9' }] },
    ],
  });
  assert.deepEqual(parse('style/thumb'), { style: 'thumb', steps: [] });
  assert.equal(serialize(parse('').steps), '');
  // Base64url payloads keep their underscores: split at the first '_' only.
  assert.deepEqual(parse('image/watermark,text_a_b-c').steps[0].args, [{ k: 'text', v: 'a_b-c' }]);
});

test('moving steps reorders the cascade', () => {
  const steps = parse('image/resize,w_1/rotate,90/blur,r_3').steps;
  moveStep(steps, 2, 0);
  assert.equal(serialize(steps), 'image/blur,r_3/resize,w_1/rotate,90');
  moveStep(steps, 0, 99);
  assert.equal(serialize(steps), 'image/resize,w_1/rotate,90/blur,r_3');
  moveStep(steps, -1, 0);
  assert.equal(serialize(steps), 'image/resize,w_1/rotate,90/blur,r_3');
});

test('base64url decoding accepts both alphabets, padded or not', () => {
  assert.equal(decodeBase64Url('SGVsbG8gb3NzaW1n'), 'Hello ossimg');
  assert.equal(decodeBase64Url('aW1hZ2UvcGFuZGEucG5n'), 'image/panda.png');
  assert.equal(decodeBase64Url('Pz8_'), '???');
  assert.equal(decodeBase64Url('Pz8/'), '???');
  assert.equal(decodeBase64Url('YQ=='), 'a');
  assert.equal(decodeBase64Url('YQ'), 'a');
  assert.equal(decodeBase64Url('not base64!'), undefined);
  assert.equal(decodeBase64Url('/w'), undefined, 'not UTF-8');
  // A value that does not decode is shown raw rather than lost.
  assert.equal(controlValue({ name: 'watermark', args: [{ k: 'text', v: '!!' }] }, 'text'), '!!');
});

test('client-side hints name the range', () => {
  assert.equal(checkValue('rotate', '', '400'), 'degrees clockwise: 0 to 360');
  assert.equal(checkValue('rotate', '', '9.5'), 'degrees clockwise: a whole number');
  assert.equal(checkValue('resize', 'm', 'zoom'), 'mode: one of lfit, mfit, fill, pad, fixed');
  assert.equal(checkValue('watermark', 'color', 'red'), 'text colour: six hex digits');
  assert.equal(checkValue('crop', 'g', 'middle'), `origin: one of ${GRAVITIES.join(', ')}`);
  assert.equal(checkValue('rotate', '', ''), '');
});
