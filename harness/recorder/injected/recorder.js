// The spec recorder's page side. It runs in the recorder's own isolated world ("__e2e_recorder") of every
// frame, before any page script, and reports what a person does to the Go side through the __e2eRecord
// binding, one JSON message per action. Page scripts can neither see it nor call the binding.
//
// Only trusted events (isTrusted === true: a real mouse or keyboard, or the harness's DevTools input) are
// recorded. For each target it computes, at the moment of the event, the locator candidates the harness
// supports — test id, role and accessible name, label, text, then CSS — each with how many elements it matches
// right then, so the Go side can pick the first that is unique. Matching below mirrors the harness engine
// (harness/injected/engine.js: roleOf, accessibleName, labelsOf, the text and test id steps); the recorder's
// tests check that every locator chosen here resolves to exactly the recorded element through the harness.
//
// What a password field holds is never sent: not its value, not the text typed into it, not its keys.
(() => {
  'use strict';
  if (globalThis.__e2eRec) return;

  const CONFIG = /*CONFIG*/ { testIdAttribute: 'data-testid', overlay: false };
  const testIdAttribute = CONFIG.testIdAttribute;
  const MAX_TEXT = 80;

  function send(message) {
    try {
      globalThis.__e2eRecord(JSON.stringify(message));
    } catch (e) {
      // The binding is missing only in a document that existed before the recorder started.
    }
  }

  // ---------------------------------------------------------------- the top frame's shared state

  const shared = { seq: 0, hover: null, drag: null, pick: null, overlay: null };
  const api = { shared };
  Object.defineProperty(globalThis, '__e2eRec', { value: api, enumerable: false });

  // Every frame's instance keeps its sequence numbers, hovered element and pending drag in the top frame's
  // instance, so that an action that spans frames (a drag from the page into the canvas iframe) is one action.
  function top() {
    try {
      if (window.top !== window && window.top.__e2eRec) return window.top.__e2eRec;
    } catch (e) { /* a cross-origin top: this frame records on its own */ }
    return api;
  }
  const nextSeq = () => ++top().shared.seq;

  // ---------------------------------------------------------------- DOM basics (as in the harness engine)

  const isElement = (n) => !!n && n.nodeType === 1;
  const styleOf = (el) => el.ownerDocument.defaultView.getComputedStyle(el);

  function composedParent(node) {
    if (node.parentNode && node.parentNode.nodeType === 11 && node.parentNode.host) return node.parentNode.host;
    return node.parentNode;
  }

  function composedParentElement(el) {
    for (let n = composedParent(el); n; n = composedParent(n)) if (isElement(n)) return n;
    return null;
  }

  function containsComposed(ancestor, node) {
    for (let n = node; n; n = composedParent(n)) if (n === ancestor) return true;
    return false;
  }

  function frameElementOf(doc) {
    try {
      return doc.defaultView ? doc.defaultView.frameElement : null;
    } catch (e) {
      return null;
    }
  }

  const normalizeSpace = (s) => (s || '').replace(/[\s\u200b]+/g, ' ').trim();

  function elementText(el) {
    if (el.localName === 'input' || el.localName === 'textarea') return el.value;
    return normalizeSpace(el.textContent);
  }

  const isPassword = (el) => isElement(el) && el.localName === 'input' && (el.type || '').toLowerCase() === 'password';

  function* descendants(scope) {
    const roots = [];
    if (isElement(scope) && scope.shadowRoot) roots.push(scope.shadowRoot);
    roots.push(scope);
    for (const root of roots) {
      const doc = root.ownerDocument || root;
      const walker = doc.createTreeWalker(root, 1);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        yield n;
        if (n.shadowRoot) yield* descendants(n.shadowRoot);
      }
    }
  }

  // ---------------------------------------------------------------- roles and names (as in the harness engine)

  const textInputTypes = new Set(['', 'text', 'search', 'email', 'url', 'tel', 'password', 'number']);

  function implicitRole(el) {
    switch (el.localName) {
      case 'button': return 'button';
      case 'a': case 'area': return el.hasAttribute('href') ? 'link' : null;
      case 'input': {
        const type = (el.getAttribute('type') || '').toLowerCase();
        if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
        if (type === 'checkbox') return 'checkbox';
        if (type === 'radio') return 'radio';
        if (type === 'range') return 'slider';
        if (type === 'search') return el.hasAttribute('list') ? 'combobox' : 'searchbox';
        if (textInputTypes.has(type)) return el.hasAttribute('list') ? 'combobox' : 'textbox';
        return null;
      }
      case 'textarea': return 'textbox';
      case 'select': return el.multiple || el.size > 1 ? 'listbox' : 'combobox';
      case 'option': return 'option';
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': return 'heading';
      case 'img': return el.getAttribute('alt') === '' ? 'presentation' : 'img';
      case 'ul': case 'ol': return 'list';
      case 'li': return 'listitem';
      case 'nav': return 'navigation';
      case 'main': return 'main';
      case 'dialog': return 'dialog';
      case 'form': return 'form';
      case 'table': return 'table';
      case 'tr': return 'row';
      case 'td': return 'cell';
      case 'th': return 'columnheader';
      case 'iframe': return 'iframe';
      case 'progress': return 'progressbar';
      default: return null;
    }
  }

  function roleOf(el) {
    const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    if (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) return 'textbox';
    return implicitRole(el);
  }

  function visible(el) {
    if (!el.isConnected) return false;
    if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) {
      if (styleOf(el).display === 'contents') {
        for (const child of el.children) if (visible(child)) return true;
      }
      return false;
    }
    const frame = frameElementOf(el.ownerDocument);
    return frame ? visible(frame) : true;
  }

  function hiddenFromAccessibility(el) {
    for (let n = el; n; n = composedParentElement(n)) {
      if (n.getAttribute('aria-hidden') === 'true') return true;
    }
    return !visible(el);
  }

  function textAlternative(el, visited) {
    if (visited.has(el)) return '';
    visited.add(el);
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) {
      const doc = el.getRootNode();
      const parts = labelledBy.split(/\s+/).map((id) => doc.getElementById && doc.getElementById(id)).filter(Boolean);
      const text = parts.map((p) => textAlternative(p, visited) || normalizeSpace(p.textContent)).join(' ');
      if (normalizeSpace(text)) return normalizeSpace(text);
    }
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel && ariaLabel.trim()) return normalizeSpace(ariaLabel);
    if (['input', 'textarea', 'select'].includes(el.localName)) {
      const type = (el.getAttribute('type') || '').toLowerCase();
      if (['button', 'submit', 'reset'].includes(type)) return normalizeSpace(el.value || el.getAttribute('value') || type);
      if (type === 'image') return normalizeSpace(el.getAttribute('alt') || '');
      const labels = el.labels ? Array.from(el.labels) : [];
      const fromLabels = labels.map((l) => normalizeSpace(l.textContent)).join(' ');
      if (fromLabels) return fromLabels;
      return normalizeSpace(el.getAttribute('title') || el.getAttribute('placeholder') || '');
    }
    if (el.localName === 'img') return normalizeSpace(el.getAttribute('alt') || el.getAttribute('title') || '');
    if (el.localName === 'fieldset') {
      const legend = el.querySelector(':scope > legend');
      if (legend) return normalizeSpace(legend.textContent);
    }
    const role = roleOf(el);
    const nameFromContent = ['button', 'link', 'heading', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option',
      'tab', 'checkbox', 'radio', 'switch', 'cell', 'columnheader', 'row', 'treeitem', 'listitem', 'tooltip'];
    if (nameFromContent.includes(role) || el.localName === 'label') {
      const text = contentText(el, visited);
      if (text) return text;
    }
    return normalizeSpace(el.getAttribute('title') || '');
  }

  function contentText(el, visited) {
    const parts = [];
    const children = el.shadowRoot ? el.shadowRoot.childNodes : el.childNodes;
    for (const child of children) {
      if (child.nodeType === 3) parts.push(child.textContent);
      else if (isElement(child)) {
        if (child.getAttribute('aria-hidden') === 'true') continue;
        if (child.localName === 'img') parts.push(child.getAttribute('alt') || '');
        else if (child.localName === 'slot') parts.push(child.assignedNodes().map((n) => n.textContent).join(' '));
        else if (child.getAttribute('aria-label')) parts.push(child.getAttribute('aria-label'));
        else parts.push(contentText(child, visited));
      }
    }
    return normalizeSpace(parts.join(' '));
  }

  const accessibleName = (el) => textAlternative(el, new Set());

  function labelsOf(el) {
    const out = [];
    if (el.labels) for (const l of el.labels) out.push(normalizeSpace(l.textContent));
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) {
      const doc = el.getRootNode();
      for (const id of labelledBy.split(/\s+/)) {
        const l = doc.getElementById && doc.getElementById(id);
        if (l) out.push(normalizeSpace(l.textContent));
      }
    }
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel) out.push(normalizeSpace(ariaLabel));
    return out.filter(Boolean);
  }

  function textMatches(actual, expected, exact) {
    if (exact) return normalizeSpace(actual) === normalizeSpace(expected);
    return normalizeSpace(actual).toLowerCase().includes(normalizeSpace(expected).toLowerCase());
  }

  // ---------------------------------------------------------------- counting a candidate (as the engine resolves)

  function matchStep(scope, step) {
    const out = [];
    switch (step.kind) {
      case 'css':
        for (const el of descendants(scope)) if (el.matches(step.value)) out.push(el);
        break;
      case 'testid':
        for (const el of descendants(scope)) if (el.getAttribute(testIdAttribute) === step.value) out.push(el);
        break;
      case 'role':
        for (const el of descendants(scope)) {
          if (roleOf(el) !== step.value || hiddenFromAccessibility(el)) continue;
          if (step.name !== undefined && !textMatches(accessibleName(el), step.name, step.exact)) continue;
          out.push(el);
        }
        break;
      case 'label':
        for (const el of descendants(scope)) {
          if (el.localName === 'label') continue;
          if (labelsOf(el).some((l) => textMatches(l, step.value, step.exact))) out.push(el);
        }
        break;
      case 'text': {
        const matching = new Set();
        for (const el of descendants(scope)) {
          if (['html', 'script', 'style', 'head', 'title', 'noscript', 'template'].includes(el.localName)) continue;
          if (textMatches(elementText(el), step.value, step.exact)) matching.add(el);
        }
        for (const el of matching) {
          let childMatches = false;
          for (const child of el.shadowRoot ? [...el.children, ...el.shadowRoot.children] : el.children) {
            if (matching.has(child)) { childMatches = true; break; }
          }
          if (!childMatches) out.push(el);
        }
        break;
      }
      default:
        throw new Error(`unknown step ${step.kind}`);
    }
    return out;
  }

  function resolveIn(doc, steps) {
    let current = [doc];
    for (const step of steps) {
      if (step.kind === 'nth') {
        const i = step.index < 0 ? current.length + step.index : step.index;
        current = i >= 0 && i < current.length ? [current[i]] : [];
        continue;
      }
      const next = [];
      const seen = new Set();
      for (const scope of current) {
        for (const el of matchStep(scope, step)) if (!seen.has(el)) { seen.add(el); next.push(el); }
      }
      current = next;
    }
    return current;
  }

  // ---------------------------------------------------------------- which element an action is about

  const actionableTags = new Set(['button', 'input', 'select', 'textarea', 'summary', 'option']);
  const actionableRoles = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'option', 'tab', 'treeitem', 'combobox', 'textbox', 'searchbox', 'slider', 'spinbutton']);

  const editingHost = (el) => el.isContentEditable && !(composedParentElement(el) && composedParentElement(el).isContentEditable);

  function deepElementFromPoint(root, x, y) {
    let el = root.elementFromPoint(x, y);
    while (el && el.shadowRoot) {
      const inner = el.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === el) break;
      el = inner;
    }
    return el;
  }

  function deepest(el, x, y) {
    while (el && el.shadowRoot) {
      const inner = el.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === el) break;
      el = inner;
    }
    return el;
  }

  // Clicking an element whose own click point lands inside el is the same click, for the page, as clicking el.
  function centreLandsIn(candidate, el) {
    const r = candidate.getBoundingClientRect();
    const hit = deepElementFromPoint(candidate.ownerDocument, r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && containsComposed(el, hit);
  }

  // The element a pointer action is about: the control around what was pressed (a button's label span is the
  // button; a <label> stands for its control), else the nearest element with a test id whose own click point
  // would land on the same element, else what was pressed.
  function actionTarget(node) {
    let el = isElement(node) ? node : node && node.parentElement;
    if (!el) return null;
    for (let n = el; n && n.localName !== 'body' && n.localName !== 'html'; n = composedParentElement(n)) {
      if (n.localName === 'label' && n.control) return n.control;
      if (actionableTags.has(n.localName) || (n.localName === 'a' && n.hasAttribute('href'))) return n;
      if (actionableRoles.has((n.getAttribute('role') || '').trim().split(/\s+/)[0])) return n;
      if (editingHost(n)) return n;
    }
    // A wrapper: every element between it and el is its parent's only element child.
    for (let n = el, only = true; n && n.localName !== 'body' && n.localName !== 'html'; n = composedParentElement(n)) {
      if (n.getAttribute(testIdAttribute) !== null) return n === el || (only && centreLandsIn(n, el)) ? n : el;
      const parent = composedParentElement(n);
      only = only && !!parent && (parent.shadowRoot ? parent.shadowRoot.children.length : parent.children.length) === 1;
    }
    return el;
  }

  function editableOf(node) {
    const el = isElement(node) ? node : node && node.parentElement;
    if (!el) return null;
    if (el.localName === 'textarea') return el;
    if (el.localName === 'input' && textInputTypes.has((el.getAttribute('type') || '').toLowerCase())) return el;
    for (let n = el; n; n = composedParentElement(n)) if (editingHost(n)) return n;
    return null;
  }

  // ---------------------------------------------------------------- locator candidates

  const short = (s) => !!s && s.length <= MAX_TEXT;

  function candidateSteps(el) {
    const out = [];
    const testId = el.getAttribute(testIdAttribute);
    if (testId) out.push([{ kind: 'testid', value: testId }]);
    const role = roleOf(el);
    if (role && !hiddenFromAccessibility(el)) {
      const name = accessibleName(el);
      if (short(name)) {
        out.push([{ kind: 'role', value: role, name }]);
        out.push([{ kind: 'role', value: role, name, exact: true }]);
      } else if (!name) {
        out.push([{ kind: 'role', value: role }]);
      }
    }
    if (['input', 'textarea', 'select'].includes(el.localName) || editingHost(el) || role === 'textbox') {
      const label = labelsOf(el)[0];
      if (short(label)) {
        out.push([{ kind: 'label', value: label }]);
        out.push([{ kind: 'label', value: label, exact: true }]);
      }
    }
    if (!['input', 'textarea', 'select'].includes(el.localName)) {
      const text = elementText(el);
      if (short(text)) {
        out.push([{ kind: 'text', value: text }]);
        out.push([{ kind: 'text', value: text, exact: true }]);
      }
    }
    // Inside the nearest ancestor whose test id is unique, for an element that is unique only there.
    const scope = testIdScope(el);
    if (scope) {
      const within = out.filter((steps) => steps[0].kind !== 'testid').map((steps) => [scope, ...steps]);
      if (role && !within.some((steps) => steps[1].kind === 'role')) within.push([scope, { kind: 'role', value: role }]);
      out.push(...within);
    }
    out.push([{ kind: 'css', value: cssPath(el) }]);
    return out;
  }

  function testIdScope(el) {
    for (let n = composedParentElement(el); n; n = composedParentElement(n)) {
      const id = n.getAttribute(testIdAttribute);
      if (id && resolveIn(el.ownerDocument, [{ kind: 'testid', value: id }]).length === 1) return { kind: 'testid', value: id };
    }
    return null;
  }

  // A CSS path, the last resort: the element's tag and classes, then its parents' (with :nth-of-type where
  // siblings look alike), until the path is unique in the element's tree or reaches an id.
  function cssSegment(n) {
    let part = n.localName + Array.from(n.classList).slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
    const parent = n.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.localName === n.localName);
      if (same.length > 1 && Array.from(parent.children).filter((c) => c.matches(part)).length > 1) {
        part += `:nth-of-type(${same.indexOf(n) + 1})`;
      }
    }
    return part;
  }

  function cssPath(el) {
    const root = el.getRootNode();
    const parts = [];
    for (let n = el; n && isElement(n); n = n.parentElement) {
      if (n.id && root.querySelectorAll('#' + CSS.escape(n.id)).length === 1) {
        parts.unshift('#' + CSS.escape(n.id));
        break;
      }
      parts.unshift(cssSegment(n));
      if (root.querySelectorAll(parts.join(' > ')).length === 1) break;
    }
    return parts.join(' > ');
  }

  function candidatesFor(el) {
    const doc = el.ownerDocument;
    const out = [];
    for (const steps of candidateSteps(el)) {
      let matches = [];
      try { matches = resolveIn(doc, steps); } catch (e) { continue; }
      out.push({ steps, count: matches.length, same: matches.length > 0 && matches[0] === el });
      if (matches.length === 1 && matches[0] === el && steps.length === 1 && steps[0].kind === 'testid') break;
    }
    const css = out[out.length - 1];
    if (!out.some((c) => c.count === 1 && c.same) && css) {
      // Nothing is unique: the CSS path narrowed to this element's place among its matches.
      const matches = resolveIn(doc, css.steps);
      const index = matches.indexOf(el);
      if (index >= 0) out.push({ steps: [...css.steps, { kind: 'nth', index }], count: 1, same: true });
    }
    return out;
  }

  // ---------------------------------------------------------------- describing a target for the Go side

  function frameOffset(doc) {
    let x = 0;
    let y = 0;
    for (let d = doc, frame = frameElementOf(d); frame; d = frame.ownerDocument, frame = frameElementOf(d)) {
      const r = frame.getBoundingClientRect();
      const s = styleOf(frame);
      x += r.left + frame.clientLeft + parseFloat(s.paddingLeft);
      y += r.top + frame.clientTop + parseFloat(s.paddingTop);
    }
    return { x, y };
  }

  function boxOf(el) {
    const r = el.getBoundingClientRect();
    const off = frameOffset(el.ownerDocument);
    return { x: r.left + off.x, y: r.top + off.y, width: r.width, height: r.height };
  }

  function humanName(el) {
    if (isPassword(el)) return labelsOf(el)[0] || accessibleName(el) || el.getAttribute(testIdAttribute) || 'the password field';
    const name = accessibleName(el) || labelsOf(el)[0] || (['input', 'textarea', 'select'].includes(el.localName) ? '' : elementText(el));
    const shortName = name && name.length > 40 ? name.slice(0, 37) + '…' : name;
    return shortName || el.getAttribute(testIdAttribute) || el.localName + Array.from(el.classList).slice(0, 2).map((c) => '.' + c).join('');
  }

  // What an assertion calls its subject: what it is, rather than what it says.
  function subjectName(el) {
    return accessibleName(el) || labelsOf(el)[0] || el.getAttribute(testIdAttribute) || humanName(el);
  }

  function describeElement(el) {
    const attrs = [];
    for (const name of [testIdAttribute, 'id', 'class', 'role', 'aria-label', 'name', 'type']) {
      const v = el.getAttribute(name);
      if (v !== null) attrs.push(`${name}="${v.length > 30 ? v.slice(0, 27) + '...' : v}"`);
    }
    return `<${el.localName}${attrs.length ? ' ' + attrs.join(' ') : ''}>`;
  }

  // A target is its chain of frames (outermost first) and the element: each with its candidates.
  function targetOf(el) {
    const chain = [el];
    for (let d = el.ownerDocument; ;) {
      const view = d.defaultView;
      let frame = null;
      let crossOrigin = false;
      try {
        if (view && view !== view.top) {
          frame = view.frameElement;
          crossOrigin = !frame;
        }
      } catch (e) {
        crossOrigin = true;
      }
      if (crossOrigin) return { crossOrigin: true, levels: [], element: describeElement(el), name: humanName(el) };
      if (!frame) break;
      chain.unshift(frame);
      d = frame.ownerDocument;
    }
    const levels = chain.map((n) => ({ candidates: candidatesFor(n), element: describeElement(n), name: humanName(n) }));
    return { levels, box: boxOf(el), element: describeElement(el), name: humanName(el), password: isPassword(el) };
  }

  // For "assert count": the kind of element (its test id, else its role, else its tag) inside the nearest
  // ancestor with a unique test id, with how many there are now.
  function groupOf(el) {
    const target = targetOf(el);
    if (target.crossOrigin) return target;
    let kind;
    const testId = el.getAttribute(testIdAttribute);
    if (testId) kind = { kind: 'testid', value: testId };
    else if (roleOf(el) && !hiddenFromAccessibility(el)) kind = { kind: 'role', value: roleOf(el) };
    else kind = { kind: 'css', value: el.localName + Array.from(el.classList).slice(0, 2).map((c) => '.' + CSS.escape(c)).join('') };
    const scope = testIdScope(el);
    const steps = scope ? [scope, kind] : [kind];
    const count = resolveIn(el.ownerDocument, steps).length;
    const last = target.levels[target.levels.length - 1];
    last.candidates = [{ steps, count, same: true, group: true }];
    let scopeName = '';
    if (scope) {
      const scopeEl = resolveIn(el.ownerDocument, [scope])[0];
      if (scopeEl) scopeName = subjectName(scopeEl);
    }
    return Object.assign(target, { count, groupName: testId || kind.value, scopeName });
  }

  // ---------------------------------------------------------------- text fields

  const plainText = (el) => (el.localName === 'input' || el.localName === 'textarea') ? el.value
    : (el.textContent || '').replace(/\u00a0/g, ' ').replace(/\u200b/g, '');

  // Plain: the field holds only text, so Fill can reproduce its content.
  const isPlain = (el) => el.localName === 'input' || el.localName === 'textarea'
    || !Array.from(el.querySelectorAll('*')).some((n) => n.localName !== 'br');

  // Where the caret or selection is: empty field, all of it selected, at the end, or elsewhere.
  function selectionIn(el) {
    if (plainText(el) === '') return 'empty';
    if (el.localName === 'input' || el.localName === 'textarea') {
      const len = el.value.length;
      if (el.selectionStart === 0 && el.selectionEnd === len) return 'all';
      if (el.selectionStart === len && el.selectionEnd === len) return 'end';
      return 'middle';
    }
    const sel = el.ownerDocument.defaultView.getSelection();
    if (!sel || !sel.rangeCount) return 'middle';
    const r = sel.getRangeAt(0);
    const rest = (fromStart) => {
      const range = el.ownerDocument.createRange();
      if (fromStart) { range.setStart(el, 0); range.setEnd(r.startContainer, r.startOffset); } else { range.setStart(r.endContainer, r.endOffset); range.setEnd(el, el.childNodes.length); }
      const frag = range.cloneContents();
      return (frag.textContent || '').replace(/[\u200b]/g, '') !== '' || !!frag.querySelector('*:not(br)');
    };
    let before = true;
    let after = true;
    try { before = rest(true); after = rest(false); } catch (e) { return 'middle'; }
    if (!before && !after && !r.collapsed) return 'all';
    if (!after && r.collapsed) return 'end';
    return 'middle';
  }

  // ---------------------------------------------------------------- recording

  const modifiersOf = (e) => ['Alt', 'Control', 'Meta', 'Shift'].filter((m) => e[m === 'Control' ? 'ctrlKey' : m.toLowerCase() + 'Key']);
  const originOf = (e) => (e.composedPath && e.composedPath()[0]) || e.target;

  const local = { press: null, pointerDrag: null, lastInputSeq: 0, input: null, suppressClick: false };

  function onPointerDown(e) {
    const origin = originOf(e);
    local.suppressClick = false;
    const el = actionTarget(origin);
    if (!el) return;
    const active = deepActiveElement(el.ownerDocument);
    const r = el.getBoundingClientRect();
    local.press = {
      el, button: e.button, target: targetOf(el), modifiers: modifiersOf(e),
      focused: !!active && containsComposed(el, active),
      offset: { x: Math.round(e.clientX - r.left), y: Math.round(e.clientY - r.top) },
      x: e.clientX, y: e.clientY, seq: nextSeq(),
      checkable: checkedState(el),
    };
    local.pointerDrag = null;
  }

  function deepActiveElement(doc) {
    let el = doc.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el;
  }

  function checkedState(el) {
    if (el.localName === 'input' && ['checkbox', 'radio'].includes(el.type)) return { checked: el.checked };
    if (['checkbox', 'radio', 'switch', 'menuitemcheckbox', 'menuitemradio'].includes(roleOf(el))) return { checked: el.getAttribute('aria-checked') === 'true' };
    return null;
  }

  function onPointerMove(e) {
    top().shared.hover = { el: originOf(e) };
    const press = local.press;
    if (!press || !(e.buttons & 1) || press.button !== 0 || local.pointerDrag === 'native') return;
    if (Math.hypot(e.clientX - press.x, e.clientY - press.y) > 5) local.pointerDrag = 'pointer';
  }

  function onPointerUp(e) {
    const press = local.press;
    if (!press || local.pointerDrag !== 'pointer') return;
    // A pointer drag (sortable lists, canvases): the drop target is what is under the pointer now.
    local.pointerDrag = null;
    local.press = null;
    local.suppressClick = true;
    // What is under the pointer besides the dragged element itself (a sortable row follows the pointer).
    const under = press.el.ownerDocument.elementsFromPoint(e.clientX, e.clientY).find((n) => !containsComposed(press.el, n));
    const el = under && actionTarget(deepest(under, e.clientX, e.clientY));
    if (!el || el === press.el) {
      local.suppressClick = false; // a selection made by dragging inside one element is no drag and drop
      return;
    }
    const r = el.getBoundingClientRect();
    send({ type: 'drag', seq: press.seq, source: press.target, target: targetOf(el),
      dropAt: { x: Math.round(e.clientX - r.left), y: Math.round(e.clientY - r.top) } });
  }

  function onClick(e) {
    const press = local.press;
    if (local.suppressClick) { local.suppressClick = false; return; }
    // One click per press, and only where the press was: a <label>'s own click (its forwarded click on the
    // control is the one recorded) and keyboard activation have no press of their own.
    if (!press || press.clicked || press.button !== 0 || e.button !== 0 || !containsComposed(press.el, originOf(e))) return;
    press.clicked = true;
    const message = { type: 'click', seq: press.seq, target: press.target, modifiers: press.modifiers,
      clickCount: e.detail, focused: press.focused, offset: press.offset };
    if (press.checkable) {
      // The page's own handlers decide the new state (an ARIA checkbox flips aria-checked in them): read it once
      // they have run.
      const el = press.el;
      afterHandlers(() => send(Object.assign(message, { checkable: true, checkedBefore: press.checkable.checked, checked: checkedState(el).checked })));
      return;
    }
    send(message);
  }

  function onDoubleClick(e) {
    const press = local.press;
    if (!press || !containsComposed(press.el, originOf(e))) return;
    send({ type: 'dblclick', seq: nextSeq(), target: press.target, modifiers: press.modifiers });
  }

  function onContextMenu(e) {
    const press = local.press;
    if (!press || press.button !== 2) return; // the keyboard's context-menu key has no press
    local.press = null;
    send({ type: 'contextmenu', seq: press.seq, target: press.target, modifiers: press.modifiers });
  }

  function onDragStart(e) {
    const press = local.press;
    if (!press || e.defaultPrevented) return;
    local.pointerDrag = 'native';
    local.suppressClick = true;
    top().shared.drag = { source: press.target, seq: press.seq };
  }

  function onDrop(e) {
    const drag = top().shared.drag;
    if (!drag) return;
    top().shared.drag = null;
    const el = actionTarget(originOf(e));
    if (!el) return;
    const r = el.getBoundingClientRect();
    // Read after the page's own drop handler: only a drop the page accepted (it cancelled dragover) fires at all.
    send({ type: 'drag', seq: drag.seq, source: drag.source, target: targetOf(el),
      dropAt: { x: Math.round(e.clientX - r.left), y: Math.round(e.clientY - r.top) } });
  }

  const namedKeys = new Set(['Enter', 'Tab', 'Escape', 'Backspace', 'Delete', 'ArrowUp', 'ArrowDown', 'ArrowLeft',
    'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown', 'Insert', 'ContextMenu', ' ',
    'F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9', 'F10', 'F11', 'F12']);
  const assertKeys = { KeyT: 'text', KeyV: 'visible', KeyA: 'value', KeyC: 'count' };

  function onKeyDown(e) {
    if (e.isComposing || ['Shift', 'Control', 'Alt', 'Meta', 'CapsLock'].includes(e.key)) return;
    if (e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && assertKeys[e.code]) {
      // The recorder's own shortcut: the page never sees it.
      e.preventDefault();
      e.stopImmediatePropagation();
      const hover = top().shared.hover;
      if (hover && hover.el && hover.el.isConnected) recordAssertion(assertKeys[e.code], hover.el);
      return;
    }
    const origin = originOf(e);
    const field = editableOf(origin);
    const modified = e.ctrlKey || e.altKey || e.metaKey;
    const printable = e.key.length === 1;
    if (field && printable && !modified) return; // text: recorded from beforeinput/input
    if (!printable && !namedKeys.has(e.key)) return;
    if (field && isPassword(field) && printable) return;
    // A shifted symbol names itself ("?"), a letter keeps its Shift ("Shift+A"), a shortcut names the key ("Control+Z").
    const letter = /^[a-z]$/i.test(e.key);
    const key = e.key === ' ' ? 'Space' : letter ? e.key.toUpperCase() : e.key;
    const mods = modifiersOf(e).filter((m) => !(m === 'Shift' && printable && !letter));
    const combo = [...mods, key].join('+');
    const el = isElement(origin) && origin.localName !== 'body' && origin.localName !== 'html' ? origin : null;
    const editing = !!field && !modified && (e.key === 'Backspace' || e.key === 'Delete');
    const message = { type: 'key', seq: nextSeq(), combo, editing, target: el ? targetOf(field || el) : null };
    if (editing && !isPassword(field)) Object.assign(message, { before: plainText(field), selection: selectionIn(field), plain: isPlain(field) });
    send(message);
  }

  function onBeforeInput(e) {
    const field = editableOf(originOf(e));
    if (!field) return;
    local.input = { field, seq: nextSeq(), before: isPassword(field) ? '' : plainText(field), selection: selectionIn(field),
      inputType: e.inputType, data: isPassword(field) ? null : e.data };
  }

  function onInput(e) {
    const pending = local.input;
    const field = editableOf(originOf(e));
    if (!field || !pending || pending.field !== field) return;
    local.input = null;
    // The page's own input handlers may change the field again (take "{{" out, say): read it after them.
    afterHandlers(() => {
      const password = isPassword(field);
      send({ type: 'input', seq: pending.seq, target: targetOf(field), inputType: pending.inputType,
        data: password ? null : pending.data, before: password ? '' : pending.before, after: password ? '' : plainText(field),
        selection: pending.selection, plain: isPlain(field), password });
    });
  }

  // afterHandlers runs f once the event being dispatched has reached the page's own handlers: in the window's
  // bubbling listener, the last place it goes, or, when the page stopped it on the way, in a task right after
  // (never later than the next input, which a timer alone could be).
  let pendingAfter = [];
  function afterHandlers(f) {
    pendingAfter.push(f);
    setTimeout(runAfterHandlers, 0);
  }
  function runAfterHandlers() {
    const fs = pendingAfter;
    pendingAfter = [];
    for (const f of fs) {
      try { f(); } catch (err) { send({ type: 'error', seq: nextSeq(), message: String(err && err.message) }); }
    }
  }

  function recordAssertion(kind, el) {
    let target;
    let extra = {};
    if (kind === 'count') {
      target = groupOf(el);
    } else {
      const subject = kind === 'value' ? (editableOf(el) || actionTarget(el)) : (el.getAttribute(testIdAttribute) !== null ? el : actionTarget(el));
      target = Object.assign(targetOf(subject), { subject });
      if (kind === 'text') extra = { text: isPassword(subject) ? '' : elementText(subject) };
      if (kind === 'value') {
        extra = 'value' in subject && !isPassword(subject) ? { value: String(subject.value) } : { noValue: true, text: isPassword(subject) ? '' : elementText(subject) };
      }
    }
    if (kind !== 'count' && !target.crossOrigin) target.name = subjectName(target.subject);
    delete target.subject;
    send(Object.assign({ type: 'assert', assertion: kind, seq: nextSeq(), target }, extra));
    flash(el);
  }

  // ---------------------------------------------------------------- navigation

  // The page navigating itself (a link, a form, location.assign) is a consequence of the action before it.
  // A navigation the page did not start (the address bar, a reload, the harness's Goto) is recorded as one.
  if (window === window.top) {
    const nav = performance.getEntriesByType('navigation')[0];
    send({ type: 'document', seq: nextSeq(), url: location.href, navigationType: nav ? nav.type : 'navigate' });
    if (window.navigation) {
      window.navigation.addEventListener('navigate', (e) => {
        if (e.hashChange || e.destination.sameDocument) return;
        send({ type: 'navigate', seq: nextSeq(), url: e.destination.url });
      });
    }
  }

  // ---------------------------------------------------------------- the overlay (headed recordings)

  function flash(el) {
    const overlay = top().shared.overlay;
    if (overlay) overlay.flash(boxOf(el));
  }

  function buildOverlay() {
    const host = document.createElement('e2e-recorder');
    host.style.cssText = 'all: initial; position: fixed; z-index: 2147483647; right: 12px; bottom: 12px;';
    const root = host.attachShadow({ mode: 'closed' });
    root.innerHTML = `<style>
      .bar { font: 12px system-ui, sans-serif; background: #1e1e2e; color: #fff; border-radius: 6px; padding: 6px; display: flex; gap: 4px; align-items: center; box-shadow: 0 2px 8px #0006; }
      .dot { width: 8px; height: 8px; border-radius: 50%; background: #e33; margin: 0 6px 0 2px; }
      button { font: inherit; color: #fff; background: #3b3b55; border: 0; border-radius: 4px; padding: 4px 8px; cursor: pointer; }
      button[aria-pressed="true"] { background: #5865f2; }
      .box { position: fixed; pointer-events: none; border: 2px solid #5865f2; background: #5865f233; display: none; }
    </style>
    <div class="bar" role="toolbar" aria-label="Recorder"><span class="dot" title="Recording"></span>
      <button data-kind="text" title="Alt+Shift+T">Assert text</button><button data-kind="visible" title="Alt+Shift+V">Assert visible</button>
      <button data-kind="value" title="Alt+Shift+A">Assert value</button><button data-kind="count" title="Alt+Shift+C">Assert count</button></div>
    <div class="box"></div>`;
    const box = root.querySelector('.box');
    const buttons = Array.from(root.querySelectorAll('button'));
    const show = (b) => {
      if (!b) { box.style.display = 'none'; return; }
      Object.assign(box.style, { display: 'block', left: b.x + 'px', top: b.y + 'px', width: b.width + 'px', height: b.height + 'px' });
    };
    const setPick = (kind) => {
      shared.pick = kind;
      for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.kind === kind));
      if (!kind) show(null);
    };
    document.documentElement.append(host);
    shared.overlay = {
      host, setPick,
      // The window's listener cannot look into a closed shadow root: it finds the button by position.
      press: (x, y) => {
        const hit = root.elementFromPoint(x, y);
        const b = hit && hit.closest && hit.closest('button');
        if (b) setPick(shared.pick === b.dataset.kind ? null : b.dataset.kind);
      }, highlight: (el) => show(el ? boxOf(el) : null),
      flash: (b) => { show(b); setTimeout(() => { if (!shared.pick) show(null); }, 400); },
    };
  }

  // In pick mode the next press chooses the element to assert on, and the page never sees that click.
  const pickTypes = ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'dblclick', 'auxclick', 'contextmenu'];
  function inOverlay(e) {
    const overlay = top().shared.overlay;
    return !!overlay && e.composedPath().includes(overlay.host);
  }

  // ---------------------------------------------------------------- wiring

  const handlers = {
    pointerdown: onPointerDown, pointermove: onPointerMove, pointerup: onPointerUp, click: onClick,
    dblclick: onDoubleClick, contextmenu: onContextMenu, dragstart: onDragStart, drop: onDrop,
    keydown: onKeyDown, beforeinput: onBeforeInput, input: onInput,
  };

  function dispatch(e) {
    if (!e.isTrusted) return; // script-dispatched input is no person's action
    if (pendingAfter.length && e.type !== 'pointermove') runAfterHandlers(); // what an event the page stopped left
    if (inOverlay(e)) {
      // The overlay's own clicks never reach the page, and pressing it keeps the page's focus where it is.
      e.stopImmediatePropagation();
      if (e.type === 'mousedown' || e.type === 'pointerdown') e.preventDefault();
      if (e.type === 'click') top().shared.overlay.press(e.clientX, e.clientY);
      return;
    }
    const shared = top().shared;
    if (shared.pick && pickTypes.includes(e.type)) {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.type === 'click') {
        const kind = shared.pick;
        shared.overlay.setPick(null);
        recordAssertion(kind, originOf(e));
      }
      return;
    }
    if (shared.pick && e.type === 'pointermove' && shared.overlay) shared.overlay.highlight(originOf(e));
    if (shared.pick && e.type === 'keydown' && e.key === 'Escape') {
      e.preventDefault();
      e.stopImmediatePropagation();
      shared.overlay.setPick(null);
      return;
    }
    const handle = handlers[e.type];
    if (!handle) return;
    try {
      handle(e);
    } catch (err) {
      send({ type: 'error', seq: nextSeq(), message: `${e.type}: ${err && err.message}` });
    }
  }

  // document.open() erases a window's listeners (GrapesJS writes its canvas that way); a MutationObserver sees
  // the document replaced, and the listeners are added again. Adding the same function twice is a no-op.
  function listen() {
    for (const type of Object.keys(handlers)) window.addEventListener(type, dispatch, { capture: true });
    window.addEventListener('input', runAfterHandlers);
    window.addEventListener('click', runAfterHandlers);
    for (const type of pickTypes) if (!handlers[type]) window.addEventListener(type, dispatch, { capture: true });
  }
  listen();
  new MutationObserver(listen).observe(document, { childList: true });

  if (CONFIG.overlay && window === window.top) {
    if (document.documentElement) buildOverlay();
    else document.addEventListener('DOMContentLoaded', buildOverlay, { once: true });
  }
})();
