// Renders any form description (docs/forms.md) as HTML controls and reads the user's input back.
import { el, text } from './dom.js';

const initial = (f) => (f.suggested !== undefined ? f.suggested : f.default);

function inputFor(f, id) {
  const value = initial(f);
  const common = { id, name: f.name, 'data-testid': `input-${f.name}`, disabled: f.readOnly };
  switch (f.widget) {
    case 'boolean':
      return el('input', { ...common, type: 'checkbox', checked: value === true });
    case 'number':
      return el('input', {
        ...common,
        type: 'number',
        inputmode: 'decimal',
        min: f.min,
        max: f.max,
        step: f.step ?? 'any',
        value: typeof value === 'number' ? value : undefined,
        required: f.required,
      });
    case 'select': {
      const select = el('select', { ...common, required: f.required });
      if (!f.required || value === undefined)
        select.append(el('option', { value: '' }, f.required ? 'Choose…' : '—'));
      for (const o of f.options ?? []) {
        select.append(el('option', { value: o.value, selected: o.value === value }, o.label));
      }
      return select;
    }
    case 'multiselect': {
      const chosen = Array.isArray(value) ? value : [];
      return el(
        'div',
        { id, className: 'checks', role: 'group', 'data-testid': `input-${f.name}` },
        (f.options ?? []).map((o) =>
          el(
            'label',
            { className: 'check' },
            el('input', {
              type: 'checkbox',
              value: o.value,
              checked: chosen.includes(o.value),
              disabled: f.readOnly,
              'data-testid': `input-${f.name}-${o.value}`,
            }),
            o.label,
          ),
        ),
      );
    }
    case 'textarea':
      return el(
        'textarea',
        {
          ...common,
          rows: 4,
          maxlength: f.maxLength,
          required: f.required && !f.hasValue,
          autocomplete: f.autocomplete,
          spellcheck: f.secret ? 'false' : undefined,
          placeholder: f.hasValue ? 'A value is stored (not shown)' : undefined,
        },
        f.secret ? '' : typeof value === 'string' ? value : '',
      );
    case 'hidden':
      return el('input', { ...common, type: 'hidden', value: value === undefined ? '' : String(value) });
    case 'constant':
      return el('output', { ...common, className: 'constant' }, String(f.const ?? value ?? ''));
    default: {
      // text, password, url, email
      const type = ['password', 'url', 'email'].includes(f.widget) ? f.widget : 'text';
      return el('input', {
        ...common,
        type,
        // A stored secret is never sent to the browser: the box starts empty either way.
        value: f.secret ? '' : typeof value === 'string' || typeof value === 'number' ? value : undefined,
        minlength: f.minLength,
        maxlength: f.maxLength,
        required: f.required && !f.hasValue,
        autocomplete: f.autocomplete ?? (f.secret ? 'off' : undefined),
        placeholder: f.hasValue ? 'A value is stored (not shown)' : undefined,
      });
    }
  }
}

/** The value a control holds right now, as the JSON the schema expects; undefined means "not given". */
function readValue(f, control) {
  switch (f.widget) {
    case 'boolean':
      return control.checked;
    case 'number':
      return control.value === '' ? undefined : Number(control.value);
    case 'multiselect':
      return [...control.querySelectorAll('input:checked')].map((c) => c.value);
    case 'hidden':
      // Hidden fields carry their value as described (a number stays a number).
      return initial(f);
    case 'constant':
      return f.const ?? initial(f);
    default:
      return control.value === '' ? undefined : control.value;
  }
}

function visible(f, values) {
  const cond = f.visibleWhen;
  if (!cond) return true;
  const v = values[cond.field];
  if ('equals' in cond) return v === cond.equals;
  return Array.isArray(cond.in) && cond.in.includes(v);
}

/**
 * A form view: `node` to insert, `values()` for submission (hidden-by-condition and empty fields are
 * left out), and `showErrors(errors, texts)` to mark fields without re-rendering the user's input.
 */
export function renderForm(desc, { errors = {}, errorTexts = {}, idPrefix = 'f' } = {}) {
  const form = el('div', { className: 'form', 'data-testid': 'flow-form' });
  const base = el('p', { className: 'error base', 'data-testid': 'error-base', role: 'alert', hidden: true });
  form.append(base);
  const controls = new Map();
  const errorNodes = new Map();
  const wrappers = new Map();
  const sections = new Map();
  for (const s of desc.sections ?? []) {
    sections.set(
      s.name,
      el(
        'details',
        { className: 'section', open: !s.collapsed, 'data-testid': `section-${s.name}` },
        el('summary', {}, text(s.label)),
      ),
    );
  }
  const placed = new Set();

  for (const f of desc.fields) {
    const id = `${idPrefix}-${f.name}`;
    const control = inputFor(f, id);
    controls.set(f.name, control);
    const error = el('p', {
      className: 'error',
      'data-testid': `error-${f.name}`,
      role: 'alert',
      hidden: true,
    });
    errorNodes.set(f.name, error);
    const label = el(
      'label',
      { for: id },
      text(f.label),
      f.required ? el('span', { className: 'req' }, ' *') : null,
    );
    const parts =
      f.widget === 'boolean'
        ? [el('div', { className: 'inline' }, control, label)]
        : [
            label,
            f.unit
              ? el(
                  'div',
                  { className: 'with-unit' },
                  control,
                  el('span', { className: 'unit', 'data-testid': `unit-${f.name}` }, f.unit),
                )
              : control,
          ];
    if (f.hasValue) {
      parts.push(
        el(
          'small',
          { className: 'has-value', 'data-testid': `has-value-${f.name}` },
          'A value is stored. It is never shown here; type a new one to replace it.',
        ),
      );
    }
    if (f.help) parts.push(el('small', { className: 'help' }, text(f.help)));
    parts.push(error);
    const wrapper = el(
      'div',
      {
        className: `field widget-${f.widget}`,
        'data-testid': `field-${f.name}`,
        'data-widget': f.widget,
        hidden: f.widget === 'hidden',
      },
      parts,
    );
    wrappers.set(f.name, wrapper);
    const section = f.section ? sections.get(f.section) : undefined;
    if (section) {
      if (!placed.has(f.section)) {
        form.append(section);
        placed.add(f.section);
      }
      section.append(wrapper);
    } else {
      form.append(wrapper);
    }
  }

  const rawValues = () => {
    const out = {};
    for (const f of desc.fields) out[f.name] = readValue(f, controls.get(f.name));
    return out;
  };
  const applyVisibility = () => {
    const values = rawValues();
    for (const f of desc.fields) {
      if (f.widget === 'hidden') continue;
      wrappers.get(f.name).hidden = !visible(f, values);
    }
    // A section whose fields are all hidden disappears too.
    for (const [name, section] of sections) {
      section.hidden = desc.fields
        .filter((f) => f.section === name)
        .every((f) => wrappers.get(f.name).hidden);
    }
  };
  form.addEventListener('input', applyVisibility);
  form.addEventListener('change', applyVisibility);
  applyVisibility();

  const showErrors = (errs = {}, texts = {}) => {
    for (const [name, node] of errorNodes) {
      const key = errs[name];
      node.hidden = key === undefined;
      node.textContent = key === undefined ? '' : (texts[name] ?? key);
      wrappers.get(name).classList.toggle('invalid', key !== undefined);
      controls.get(name).setAttribute?.('aria-invalid', key === undefined ? 'false' : 'true');
    }
    // Errors for fields this form does not show (or `base`) go to the form as a whole.
    const rest = Object.entries(errs).filter(([name]) => !errorNodes.has(name));
    base.hidden = rest.length === 0;
    base.textContent = rest.map(([name, key]) => texts[name] ?? key).join(' ');
  };
  showErrors(errors, errorTexts);

  return {
    node: form,
    showErrors,
    values() {
      const values = rawValues();
      const out = {};
      for (const f of desc.fields) {
        if (f.readOnly || !visible(f, values)) continue;
        if (values[f.name] !== undefined) out[f.name] = values[f.name];
      }
      return out;
    },
  };
}
