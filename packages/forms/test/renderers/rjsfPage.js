// Browser page: the exported form in RJSF 6 with its stock theme and default validator (@rjsf/validator-ajv8).
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';

const exported = window.__EXPORT__;
window.__submitted = [];
window.__errors = [];
createRoot(document.getElementById('app')).render(
  createElement(Form, {
    ...exported,
    validator,
    onSubmit: ({ formData }) => window.__submitted.push(formData),
    onError: (errors) => {
      window.__errors = errors.map((e) => ({ property: e.property, name: e.name }));
    },
  }),
);
