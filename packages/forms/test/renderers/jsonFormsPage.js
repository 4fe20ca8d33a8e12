// Browser page: the exported form in JSON Forms 3 with the vanilla renderers and its default Ajv.
// JSON Forms has no submit of its own: the button hands on the data onChange reported, if it had no errors.
import { JsonForms } from '@jsonforms/react';
import { vanillaCells, vanillaRenderers } from '@jsonforms/vanilla-renderers';
import { createElement, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

const exported = window.__EXPORT__;
window.__submitted = [];
window.__errors = [];

function App() {
  const [state, setState] = useState({ data: exported.data, errors: [] });
  // What onChange reported last. The submit reads this, not `state`: a click right after typing can
  // come before React has rendered the state set by the last onChange (a stale value, seen in CI).
  const latest = useRef(state);
  return createElement(
    'form',
    {
      onSubmit: (e) => {
        e.preventDefault();
        const { data, errors } = latest.current;
        window.__errors = errors.map((x) => ({ path: x.instancePath, keyword: x.keyword }));
        if (errors.length === 0) window.__submitted.push(data);
      },
    },
    createElement(JsonForms, {
      schema: exported.schema,
      uischema: exported.uischema,
      data: state.data,
      renderers: vanillaRenderers,
      cells: vanillaCells,
      onChange: ({ data, errors }) => {
        latest.current = { data, errors: errors ?? [] };
        setState(latest.current);
      },
    }),
    createElement('button', { type: 'submit' }, 'Submit'),
  );
}

createRoot(document.getElementById('app')).render(createElement(App));
