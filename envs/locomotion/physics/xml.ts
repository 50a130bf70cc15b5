/**
 * A small XML reader for MJCF: elements, attributes, comments and processing instructions, with the
 * source line of every element and attribute. Text content is ignored (MJCF carries none we use).
 */

/** One parsed element. `path` is a readable location such as `mujoco/worldbody/body[torso]/geom[2]`. */
export interface XmlElement {
  tag: string;
  attrs: Map<string, string>;
  children: XmlElement[];
  line: number;
  path: string;
}

function lineAt(text: string, index: number, cache: { idx: number; line: number }): number {
  let line = cache.line;
  for (let i = cache.idx; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  cache.idx = index;
  cache.line = line;
  return line;
}

function label(tag: string, name: string | undefined, ordinal: number): string {
  return name !== undefined ? `${tag}[${name}]` : `${tag}[#${ordinal}]`;
}

/** Parses `text` into its root element. Throws an Error naming the line on malformed markup. */
/** Deepest element nesting accepted (MuJoCo models need a few dozen levels). */
export const MAX_DEPTH = 512;

export function parseXml(text: string): XmlElement {
  const cache = { idx: 0, line: 1 };
  const stack: XmlElement[] = [];
  const counts: Map<string, number>[] = [new Map()];
  let root: XmlElement | undefined;
  let i = 0;
  const n = text.length;
  const fail = (msg: string, at: number): never => {
    throw new Error(`XML parse error: ${msg} (line ${lineAt(text, at, cache)})`);
  };
  while (i < n) {
    const lt = text.indexOf("<", i);
    if (lt < 0) break;
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt + 4);
      if (end < 0) fail("unterminated comment", lt);
      i = end + 3;
      continue;
    }
    if (text.startsWith("<?", lt) || text.startsWith("<!", lt)) {
      const end = text.indexOf(">", lt);
      if (end < 0) fail("unterminated declaration", lt);
      i = end + 1;
      continue;
    }
    if (text.startsWith("</", lt)) {
      const end = text.indexOf(">", lt);
      if (end < 0) fail("unterminated closing tag", lt);
      const tag = text.slice(lt + 2, end).trim();
      const top = stack.pop();
      counts.pop();
      if (!top || top.tag !== tag) fail(`unexpected </${tag}>`, lt);
      i = end + 1;
      continue;
    }
    // Opening tag.
    let j = lt + 1;
    while (j < n && /[A-Za-z0-9_:.-]/.test(text[j])) j++;
    const tag = text.slice(lt + 1, j);
    if (!tag) fail("empty tag name", lt);
    const line = lineAt(text, lt, cache);
    const attrs = new Map<string, string>();
    let selfClose = false;
    for (;;) {
      while (j < n && /\s/.test(text[j])) j++;
      if (j >= n) fail(`unterminated <${tag}>`, lt);
      if (text[j] === "/" && text[j + 1] === ">") {
        selfClose = true;
        j += 2;
        break;
      }
      if (text[j] === ">") {
        j++;
        break;
      }
      const a0 = j;
      while (j < n && /[A-Za-z0-9_:.-]/.test(text[j])) j++;
      const name = text.slice(a0, j);
      if (!name) fail(`bad attribute syntax in <${tag}>`, j);
      while (j < n && /\s/.test(text[j])) j++;
      if (text[j] !== "=") fail(`attribute ${name} without value in <${tag}>`, j);
      j++;
      while (j < n && /\s/.test(text[j])) j++;
      const q = text[j];
      if (q !== '"' && q !== "'") fail(`attribute ${name} value not quoted in <${tag}>`, j);
      const close = text.indexOf(q, j + 1);
      if (close < 0) fail(`unterminated value of ${name}`, j);
      if (attrs.has(name)) fail(`duplicate attribute ${name} in <${tag}>`, j);
      attrs.set(name, text.slice(j + 1, close));
      j = close + 1;
    }
    const parent = stack[stack.length - 1];
    const siblingCounts = counts[counts.length - 1];
    const ordinal = (siblingCounts.get(tag) ?? 0) + 1;
    siblingCounts.set(tag, ordinal);
    const own = label(tag, attrs.get("name"), ordinal);
    const path = parent ? `${parent.path}/${own}` : tag;
    const el: XmlElement = { tag, attrs, children: [], line, path };
    if (parent) parent.children.push(el);
    else if (root) fail("more than one root element", lt);
    else root = el;
    if (!selfClose) {
      // Later passes walk the tree recursively; a bound keeps a hostile file from overflowing the stack.
      if (stack.length >= MAX_DEPTH) fail(`elements nested deeper than ${MAX_DEPTH} levels`, lt);
      stack.push(el);
      counts.push(new Map());
    }
    i = j;
  }
  if (stack.length) fail(`unclosed <${stack[stack.length - 1].tag}>`, n);
  if (!root) throw new Error("XML parse error: no root element");
  return root;
}
