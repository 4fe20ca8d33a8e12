/**
 * A small well-formedness check for the XML we emit: one root, balanced tags, quoted attributes,
 * known entities only. A character scanner rather than a parser library, kept to what SVG needs.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const isName = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_:.-]/.test(c);
  const checkText = (text: string) => {
    let at = text.indexOf('&');
    while (at !== -1) {
      const end = text.indexOf(';', at);
      const entity = end === -1 ? '' : text.slice(at + 1, end);
      if (!['amp', 'lt', 'gt', 'quot', 'apos'].includes(entity) && !/^#(\d+|x[0-9a-fA-F]+)$/.test(entity)) {
        problems.push(`bad entity near ${text.slice(at, at + 12)}`);
      }
      at = text.indexOf('&', at + 1);
    }
    if (text.includes(']]>')) problems.push(`"]]>" in text near ${text.slice(0, 20)}`);
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== '')
      problems.push(`text outside the root: ${text.slice(0, 20)}`);
    checkText(text);
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end === -1) return [...problems, 'unclosed comment'];
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt);
      if (end === -1) return [...problems, 'unclosed declaration'];
      i = end + 2;
      continue;
    }
    let j = lt + 1;
    const closing = xml[j] === '/';
    if (closing) j++;
    let name = '';
    while (isName(xml[j])) name += xml[j++];
    if (!name) return [...problems, `bad tag at ${lt}`];
    // Attributes: name="value" pairs, values without "<" and with valid entities.
    const seen = new Set<string>();
    for (;;) {
      while (xml[j] === ' ' || xml[j] === '\n' || xml[j] === '\t') j++;
      if (xml[j] === '>' || xml.startsWith('/>', j)) break;
      if (closing) return [...problems, `attributes on closing tag ${name}`];
      let attr = '';
      while (isName(xml[j])) attr += xml[j++];
      if (!attr || xml[j] !== '=' || (xml[j + 1] !== '"' && xml[j + 1] !== "'")) {
        return [...problems, `bad attribute in <${name}> at ${j}`];
      }
      if (seen.has(attr)) problems.push(`duplicate attribute ${attr} in <${name}>`);
      seen.add(attr);
      const quote = xml[j + 1]!;
      const end = xml.indexOf(quote, j + 2);
      if (end === -1) return [...problems, `unclosed attribute ${attr}`];
      const value = xml.slice(j + 2, end);
      if (value.includes('<')) problems.push(`"<" in attribute ${attr}`);
      checkText(value.replace(/>/g, ''));
      j = end + 1;
    }
    const selfClosing = xml.startsWith('/>', j);
    i = j + (selfClosing ? 2 : 1);
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (!selfClosing) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}
