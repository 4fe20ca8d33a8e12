/** `el('button', { type: 'button', 'data-testid': 'x', onclick }, 'Label')`: attributes, listeners, children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'className') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A Text object from a form description (`{ key, fallback }`), or a plain string, as display text. */
export function text(t) {
  if (t === undefined || t === null) return '';
  return typeof t === 'string' ? t : (t.fallback ?? t.key ?? '');
}
