// Browser page: the exported form in JSON Forms 3 with the vanilla renderers and its default Ajv.
// JSON Forms has no submit of its own: the button hands on the data onChange reported, if it had no errors.
import { JsonForms } from '@jsonforms/react';
import { vanillaCells, vanillaRenderers } from '@jsonforms/vanilla-renderers';
import { createElement, useRef } from 'react';
import { createRoot } from 'react-dom/client';

const exported = window.__EXPORT__;
window.__submitted = [];
window.__errors = [];
// JSON Forms reports a change from an effect, after the input event: the test waits for the report
// of the last input before it submits (`__reportedSeq === __inputSeq`).
window.__inputSeq = 0;
window.__reportedSeq = 0;
document.addEventListener(
  'input',
  () => {
    window.__inputSeq++;
  },
  true,
);

function App() {
  // What onChange reported last. JSON Forms keeps the data itself: handing each report back as the
  // `data` prop let a late render reset the form to an older report (a typed value lost, under load).
  const latest = useRef({ data: exported.data, errors: [] });
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
      data: exported.data,
      renderers: vanillaRenderers,
      cells: vanillaCells,
      onChange: ({ data, errors }) => {
        latest.current = { data, errors: errors ?? [] };
        window.__reportedSeq = window.__inputSeq;
      },
    }),
    createElement('button', { type: 'submit' }, 'Submit'),
  );
}

createRoot(document.getElementById('app')).render(createElement(App));
