// The Build panel's controls: one fieldset per step of the cascade with a control for every
// parameter of its action (process.js's schema), move up/down and remove buttons. Controls edit
// the steps in place and call `onChange(stepIndex)`; the caller prints the string.

import {
  ACTIONS,
  FONTS,
  GRAVITIES,
  applyControl,
  checkValue,
  controlValue,
  moveStep,
} from './process.js';

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

let uid = 0;

/**
 * Renders `steps` into the list `ol`. `onChange(i)` runs after step i changed, `onStructure()`
 * after a step was moved or removed, `onFocus(i)` when a control of step i gets focus.
 */
export function renderSteps(ol, steps, { onChange, onStructure, onFocus }) {
  ol.replaceChildren();
  steps.forEach((step, i) => {
    const schema = ACTIONS[step.name];
    const li = el('li', { className: 'step', dataset: { step: String(i), action: step.name } });
    const head = el('div', { className: 'step-head' });
    head.append(el('strong', {}, schema ? schema.label : `${step.name} (unknown action)`));
    const btn = (text, label, fn, disabled = false) => {
      const b = el('button', { type: 'button', textContent: text, disabled, className: 'icon' });
      b.setAttribute('aria-label', label);
      b.addEventListener('click', fn);
      return b;
    };
    head.append(
      btn('↑', `Move ${step.name} up`, () => {
        moveStep(steps, i, i - 1);
        onStructure(i - 1);
      }, i === 0),
      btn('↓', `Move ${step.name} down`, () => {
        moveStep(steps, i, i + 1);
        onStructure(i + 1);
      }, i === steps.length - 1),
      btn('✕', `Remove ${step.name}`, () => {
        steps.splice(i, 1);
        onStructure(-1);
      }),
    );
    li.append(head);
    const body = el('div', { className: 'params' });
    for (const spec of schema?.params ?? []) {
      body.append(control(step, spec, () => onChange(i), li));
    }
    li.append(body, el('p', { className: 'step-error error', role: 'alert' }));
    li.addEventListener('focusin', () => onFocus(i));
    ol.append(li);
  });
}

/** One labelled control for parameter `spec` of `step`. */
function control(step, spec, changed, li) {
  const id = `c${++uid}`;
  const wrap = el('div', { className: `param param-${spec.type}` });
  const hint = el('span', { className: 'hint' });
  const set = (v) => {
    applyControl(step, spec.key, v);
    hint.textContent = checkValue(step.name, spec.key, v);
    li.querySelector('.step-error').textContent = '';
    changed();
  };
  const value = controlValue(step, spec.key);
  const data = { key: spec.key === '' ? 'value' : spec.key };
  let input;
  switch (spec.type) {
    case 'enum':
    case 'font': {
      const options = spec.type === 'font' ? FONTS : spec.options;
      input = el('select', { id, dataset: data });
      input.append(el('option', { value: '', textContent: '(default)' }));
      for (const o of options) input.append(el('option', { value: o, textContent: o }));
      if (value && !options.includes(value)) input.append(el('option', { value, textContent: value }));
      input.value = value;
      input.addEventListener('change', () => set(input.value));
      break;
    }
    case 'gravity': {
      const group = el('div', { className: 'gravity', role: 'radiogroup', dataset: data });
      group.setAttribute('aria-label', spec.label);
      const name = `g${uid}`;
      for (const g of ['', ...GRAVITIES]) {
        const r = el('input', { type: 'radio', name, value: g, checked: value === g });
        r.setAttribute('aria-label', g || 'default');
        r.addEventListener('change', () => r.checked && set(g));
        group.append(el('label', { className: g ? `g-${g}` : 'g-none', title: g || 'default' }, r));
      }
      wrap.append(el('span', { className: 'plabel', textContent: spec.label }), group, hint);
      return wrap;
    }
    case 'color': {
      input = el('input', { id, value, size: 8, placeholder: '#rrggbb', dataset: data, spellcheck: false });
      const picker = el('input', { type: 'color', value: /^#[0-9a-f]{6}$/.test(value) ? value : '#000000' });
      picker.setAttribute('aria-label', `${spec.label} picker`);
      picker.addEventListener('input', () => {
        input.value = picker.value;
        set(picker.value);
      });
      input.addEventListener('input', () => set(input.value));
      wrap.append(el('label', { htmlFor: id, textContent: spec.label }), input, picker, hint);
      return wrap;
    }
    case 'int': {
      input = el('input', { id, type: 'number', min: spec.min, max: spec.max, step: 1, value, dataset: data });
      let range = null;
      input.addEventListener('input', () => {
        if (range) range.value = input.value;
        set(input.value);
      });
      if (spec.slider) {
        range = el('input', { type: 'range', min: spec.min, max: spec.max, step: 1, value: value || spec.min });
        range.setAttribute('aria-label', `${spec.label} slider`);
        range.addEventListener('input', () => {
          input.value = range.value;
          set(range.value);
        });
      }
      wrap.append(el('label', { htmlFor: id, textContent: spec.label }), input);
      if (range) wrap.append(range);
      wrap.append(hint);
      return wrap;
    }
    default: {
      input = el('input', { id, value, dataset: data, spellcheck: false });
      input.addEventListener('input', () => set(input.value));
    }
  }
  wrap.append(el('label', { htmlFor: id, textContent: spec.label }), input, hint);
  return wrap;
}
