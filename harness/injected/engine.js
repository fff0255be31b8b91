// The harness engine. It runs in the harness's own isolated world ("__e2e_harness") of every frame, installed
// before any page script by Page.addScriptToEvaluateOnNewDocument. Page scripts cannot see or patch it, and it
// sees the same DOM. The top frame's instance does all the work: it reaches same-origin iframes through
// contentDocument and open shadow roots through shadowRoot. Instances in child frames only forward the input
// events they observe to the top instance, because events inside an iframe never reach the top window.
(() => {
  'use strict';
  if (globalThis.__e2eH) return;

  const MAX_CANDIDATES = 10;
  let testIdAttribute = 'data-testid';

  // ---------------------------------------------------------------- DOM basics

  const isElement = (n) => !!n && n.nodeType === 1;
  const viewOf = (node) => (node.ownerDocument || node).defaultView;
  const styleOf = (el) => viewOf(el).getComputedStyle(el);

  // The parent in the composed tree: a shadow root's host counts as its parent.
  function composedParent(node) {
    if (node.parentNode && node.parentNode.nodeType === 11 && node.parentNode.host) return node.parentNode.host;
    return node.parentNode;
  }

  function composedParentElement(el) {
    for (let n = composedParent(el); n; n = composedParent(n)) if (isElement(n)) return n;
    return null;
  }

  // Whether node is ancestor or below it, through shadow roots and through frames: an event in an iframe's
  // document counts as reaching the <iframe> element.
  function containsComposed(ancestor, node) {
    for (let n = node; n; n = composedParent(n) || (n.nodeType === 9 ? frameElementOf(n) : null)) {
      if (n === ancestor) return true;
    }
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

  // ---------------------------------------------------------------- descriptions for error messages

  function describe(el) {
    if (!el) return 'nothing';
    if (!el.nodeType) return 'the window';
    if (el.nodeType === 9) return 'the document';
    if (el.nodeType === 3) return describe(el.parentElement);
    if (!isElement(el)) return el.nodeName;
    const attrs = [];
    for (const name of [testIdAttribute, 'id', 'class', 'role', 'aria-label', 'name', 'type', 'href', 'disabled', 'aria-disabled']) {
      let v = el.getAttribute(name);
      if (v === null) continue;
      if (name === 'class') v = v.trim().split(/\s+/).slice(0, 3).join(' ');
      if (v.length > 40) v = v.slice(0, 37) + '...';
      attrs.push(v === '' ? name : `${name}="${v}"`);
    }
    let text = '';
    if (!['html', 'body', 'iframe', 'frame'].includes(el.localName)) {
      text = normalizeSpace(el.textContent);
      if (text.length > 40) text = text.slice(0, 37) + '...';
    }
    const open = `<${el.localName}${attrs.length ? ' ' + attrs.join(' ') : ''}>`;
    let out = text ? `${open}${text}</${el.localName}>` : open;
    const frame = frameElementOf(el.ownerDocument);
    if (frame) out += ` in frame ${describe(frame)}`;
    return out;
  }

  // ---------------------------------------------------------------- walking the composed tree

  // Every element below scope (not scope itself), entering open shadow roots, in tree order.
  function* descendants(scope) {
    const roots = [];
    if (isElement(scope) && scope.shadowRoot) roots.push(scope.shadowRoot);
    roots.push(scope);
    for (const root of roots) {
      const doc = root.ownerDocument || root;
      const walker = doc.createTreeWalker(root, 1 /* SHOW_ELEMENT */);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        yield n;
        if (n.shadowRoot) yield* descendants(n.shadowRoot);
      }
    }
  }

  // ---------------------------------------------------------------- accessibility: roles and names

  const textInputTypes = new Set(['', 'text', 'search', 'email', 'url', 'tel', 'password', 'number']);

  function implicitRole(el) {
    switch (el.localName) {
      case 'button':
        return 'button';
      case 'a':
      case 'area':
        return el.hasAttribute('href') ? 'link' : null;
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
      case 'textarea':
        return 'textbox';
      case 'select':
        return el.multiple || el.size > 1 ? 'listbox' : 'combobox';
      case 'option':
        return 'option';
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6':
        return 'heading';
      case 'img':
        return el.getAttribute('alt') === '' ? 'presentation' : 'img';
      case 'ul': case 'ol':
        return 'list';
      case 'li':
        return 'listitem';
      case 'nav':
        return 'navigation';
      case 'main':
        return 'main';
      case 'dialog':
        return 'dialog';
      case 'form':
        return 'form';
      case 'table':
        return 'table';
      case 'tr':
        return 'row';
      case 'td':
        return 'cell';
      case 'th':
        return 'columnheader';
      case 'iframe':
        return 'iframe';
      case 'progress':
        return 'progressbar';
      default:
        return null;
    }
  }

  function roleOf(el) {
    const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
    if (explicit) return explicit;
    // An editing host is exposed as a text box, as Chromium's accessibility tree does.
    if (el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) return 'textbox';
    return implicitRole(el);
  }

  function hiddenFromAccessibility(el) {
    for (let n = el; n; n = composedParentElement(n)) {
      if (n.getAttribute('aria-hidden') === 'true') return true;
    }
    return !visibility(el).visible;
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

  function accessibleName(el) {
    return textAlternative(el, new Set());
  }

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

  // ---------------------------------------------------------------- the selector engine

  // A locator is a chain of steps. Each step maps a list of scopes (documents, shadow roots or elements) to the
  // elements it matches below them. "frame" maps iframe elements to their documents.
  function matchStep(scope, step) {
    const out = [];
    switch (step.kind) {
      case 'css':
        for (const el of descendants(scope)) if (el.matches(step.value)) out.push(el);
        break;
      case 'testid':
        if (step.attr) testIdAttribute = step.attr;
        for (const el of descendants(scope)) if (el.getAttribute(testIdAttribute) === step.value) out.push(el);
        break;
      case 'role':
        for (const el of descendants(scope)) {
          if (roleOf(el) !== step.value) continue;
          if (hiddenFromAccessibility(el)) continue;
          if (step.name !== undefined && step.name !== null && !textMatches(accessibleName(el), step.name, step.exact)) continue;
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
          // The document's title is not text on the page: <html> would otherwise "contain" it.
          if (['html', 'script', 'style', 'head', 'title', 'noscript', 'template'].includes(el.localName)) continue;
          if (textMatches(elementText(el), step.value, step.exact)) matching.add(el);
        }
        // Keep the innermost matches: an element whose child also matches is only a container of the text.
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
        throw new Error(`unknown locator step ${step.kind}`);
    }
    return out;
  }

  class CrossOriginFrameError extends Error {}

  function resolve(steps) {
    let current = [document];
    for (const step of steps) {
      let next = [];
      switch (step.kind) {
        case 'frame':
          for (const el of current) {
            if (!isElement(el) || !['iframe', 'frame'].includes(el.localName)) {
              throw new Error(`frame() applies to <iframe> elements, but the locator matched ${describe(el)}`);
            }
            let doc = null;
            try { doc = el.contentDocument; } catch (e) { doc = null; }
            if (!doc) throw new CrossOriginFrameError(`${describe(el)} is a cross-origin frame; the harness reaches only same-origin frames`);
            next.push(doc);
          }
          break;
        case 'nth': {
          const i = step.index < 0 ? current.length + step.index : step.index;
          next = i >= 0 && i < current.length ? [current[i]] : [];
          break;
        }
        case 'hasText':
          next = current.filter((el) => isElement(el) && textMatches(elementText(el), step.value, step.exact));
          break;
        case 'visible':
          next = current.filter((el) => isElement(el) && visibility(el).visible === !!step.show);
          break;
        default: {
          const seen = new Set();
          for (const scope of current) {
            for (const el of matchStep(scope, step)) {
              if (!seen.has(el)) { seen.add(el); next.push(el); }
            }
          }
        }
      }
      current = next;
    }
    return current.filter(isElement);
  }

  // ---------------------------------------------------------------- element state checks

  function visibility(el) {
    if (!el.isConnected) return { visible: false, reason: 'it is detached from the document' };
    if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) {
      return { visible: false, reason: hiddenReason(el) };
    }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) {
      if (styleOf(el).display === 'contents') {
        for (const child of el.children) if (visibility(child).visible) return { visible: true };
      }
      return { visible: false, reason: `it has zero size (${fmt(r.width)}×${fmt(r.height)})` };
    }
    const frame = frameElementOf(el.ownerDocument);
    if (frame) {
      const fv = visibility(frame);
      if (!fv.visible) return { visible: false, reason: `its frame ${describe(frame)} is not visible: ${fv.reason}` };
    }
    return { visible: true };
  }

  function hiddenReason(el) {
    for (let n = el; n; n = composedParentElement(n)) {
      const s = styleOf(n);
      if (s.display === 'none') return n === el ? 'it has display: none' : `its ancestor ${describe(n)} has display: none`;
    }
    const s = styleOf(el);
    if (s.visibility !== 'visible') return `it has visibility: ${s.visibility}`;
    if (s.contentVisibility === 'hidden') return 'it has content-visibility: hidden';
    return 'it is not rendered';
  }

  function disabledReason(el) {
    if (el.matches(':disabled')) {
      if (el.hasAttribute('disabled')) return 'it has the disabled attribute';
      const fieldset = el.closest('fieldset[disabled]');
      if (fieldset) return `it is inside a disabled fieldset ${describe(fieldset)}`;
      return 'it is disabled';
    }
    for (let n = el; n; n = composedParentElement(n)) {
      if (n.getAttribute('aria-disabled') === 'true') {
        return n === el ? 'it has aria-disabled="true"' : `its ancestor ${describe(n)} has aria-disabled="true"`;
      }
    }
    return null;
  }

  function notEditableReason(el) {
    if (el.localName === 'input') {
      const type = (el.getAttribute('type') || '').toLowerCase();
      if (!textInputTypes.has(type) && !['date', 'time', 'datetime-local', 'month', 'week', 'color'].includes(type)) {
        return `it is an <input type="${type}">, which takes no text`;
      }
    } else if (el.localName !== 'textarea' && !el.isContentEditable) {
      return 'it is not an <input>, a <textarea> or a contenteditable element';
    }
    if (el.readOnly) return 'it is read-only';
    if (el.getAttribute('aria-readonly') === 'true') return 'it has aria-readonly="true"';
    return null;
  }

  // Where pointer-events: none comes from: the outermost element of the unbroken run of "none" above el.
  function pointerEventsNoneOrigin(el) {
    if (styleOf(el).pointerEvents !== 'none') return null;
    let origin = el;
    for (let n = composedParentElement(el); n && styleOf(n).pointerEvents === 'none'; n = composedParentElement(n)) origin = n;
    return origin;
  }

  // ---------------------------------------------------------------- geometry

  const fmt = (n) => (Math.round(n * 10) / 10).toString();

  // Offset of a document's viewport in top-level viewport coordinates: the content boxes of its frames.
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

  const sameBox = (a, b) => !!a && !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

  function pointIn(box, position) {
    if (position) return { x: box.x + position.x, y: box.y + position.y };
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  // Whether a top-level point is inside the viewport of el's document and of every frame above it.
  function outsideViewportReason(el, point) {
    const top = window;
    if (point.x < 0 || point.y < 0 || point.x >= top.innerWidth || point.y >= top.innerHeight) {
      return `its click point (${fmt(point.x)}, ${fmt(point.y)}) is outside the ${top.innerWidth}×${top.innerHeight} viewport`;
    }
    for (let d = el.ownerDocument, frame = frameElementOf(d); frame; d = frame.ownerDocument, frame = frameElementOf(d)) {
      const off = frameOffset(d);
      const lx = point.x - off.x;
      const ly = point.y - off.y;
      const view = d.defaultView;
      if (lx < 0 || ly < 0 || lx >= view.innerWidth || ly >= view.innerHeight) {
        return `its click point is outside the visible area of ${describe(frame)}`;
      }
    }
    return null;
  }

  // The ancestor whose overflow clipping hides the point, if any.
  function clippingAncestor(el, point) {
    const off = frameOffset(el.ownerDocument);
    const lx = point.x - off.x;
    const ly = point.y - off.y;
    for (let n = composedParentElement(el); n && n !== el.ownerDocument.documentElement; n = composedParentElement(n)) {
      const s = styleOf(n);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const r = n.getBoundingClientRect();
      if (lx < r.left || lx >= r.right || ly < r.top || ly >= r.bottom) return n;
    }
    return null;
  }

  const scrollAlignments = [null, 'center', 'end', 'start'];

  function scrollIntoView(el, attempt, box, point) {
    const alignment = scrollAlignments[attempt % scrollAlignments.length];
    if (alignment === null) {
      if (!outsideViewportReason(el, point)) return false;
      el.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: 'instant' });
    } else {
      el.scrollIntoView({ block: alignment, inline: alignment, behavior: 'instant' });
    }
    return true;
  }

  // ---------------------------------------------------------------- hit testing through frames and shadow roots

  function deepElementFromPoint(root, x, y) {
    let el = root.elementFromPoint(x, y);
    while (el && el.shadowRoot) {
      const inner = el.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === el) break;
      el = inner;
    }
    return el;
  }

  function elementAtPoint(point) {
    let doc = document;
    let x = point.x;
    let y = point.y;
    for (;;) {
      const el = deepElementFromPoint(doc, x, y);
      if (!el || !['iframe', 'frame'].includes(el.localName)) return el;
      let inner = null;
      try { inner = el.contentDocument; } catch (e) { inner = null; }
      if (!inner) return el;
      const r = el.getBoundingClientRect();
      const s = styleOf(el);
      const ix = x - (r.left + el.clientLeft + parseFloat(s.paddingLeft));
      const iy = y - (r.top + el.clientTop + parseFloat(s.paddingTop));
      if (ix < 0 || iy < 0 || ix >= el.clientWidth || iy >= el.clientHeight) return el;
      doc = inner;
      x = ix;
      y = iy;
    }
  }

  // null when a pointer event at point reaches el; otherwise why it would not.
  function hitTargetProblem(el, point) {
    const noneOrigin = pointerEventsNoneOrigin(el);
    if (noneOrigin) {
      return {
        check: 'receives events',
        reason: noneOrigin === el ? 'it has pointer-events: none' : `it inherits pointer-events: none from ${describe(noneOrigin)}`,
      };
    }
    const hit = elementAtPoint(point);
    if (hit && containsComposed(el, hit)) return null;
    const clip = clippingAncestor(el, point);
    if (clip) {
      return { check: 'receives events', reason: `it is clipped by ${describe(clip)} (overflow: ${styleOf(clip).overflow})`, interceptor: describe(hit) };
    }
    if (!hit) return { check: 'receives events', reason: 'nothing is under its click point' };
    return { check: 'receives events', reason: `${describe(hit)} intercepts pointer events`, interceptor: describe(hit) };
  }

  // ---------------------------------------------------------------- handles kept between calls of one action

  const handles = new Map();
  let nextHandle = 1;

  function keep(el) {
    const id = nextHandle++;
    handles.set(id, el);
    return id;
  }

  function element(handle) {
    const el = handles.get(handle);
    if (!el) throw new Error(`element handle ${handle} is gone`);
    return el;
  }

  // ---------------------------------------------------------------- waiting on the page's clock

  const timelineTime = () => document.timeline.currentTime;

  // The next animation frame; a timer stands in when frames are not produced (a background page), so a wait can
  // never hang on a frame that does not come.
  const nextFrame = () => new Promise((resolve) => {
    requestAnimationFrame(() => resolve());
    setTimeout(resolve, 100);
  });

  // ---------------------------------------------------------------- actionability

  // One look at the locator's element: each check in order, stopping at the first that fails.
  // needs: {visible, enabled, editable, stable, scroll, hit}
  function inspect(args, state) {
    let elements;
    try {
      elements = resolve(args.steps);
    } catch (e) {
      return { status: 'error', check: 'resolve', reason: e.message };
    }
    if (elements.length === 0) return { status: 'wait', check: 'attached', reason: 'no element matches the locator' };
    if (elements.length > 1 && args.strict) {
      return {
        status: 'error', check: 'unique', reason: `the locator matches ${elements.length} elements`,
        count: elements.length, candidates: elements.slice(0, MAX_CANDIDATES).map(describe),
      };
    }
    const el = elements[0];
    const result = { element: describe(el), checks: {}, password: el.localName === 'input' && el.type === 'password' };
    const fail = (check, reason, extra) => Object.assign(result, { status: 'wait', check, reason }, extra || {});

    if (args.needs.visible) {
      const v = visibility(el);
      if (!v.visible) return fail('visible', v.reason);
      result.checks.visible = true;
    }
    if (args.needs.enabled) {
      const d = disabledReason(el);
      if (d) return fail('enabled', d);
      result.checks.enabled = true;
    }
    if (args.needs.editable) {
      const e = notEditableReason(el);
      if (e) return fail('editable', e);
      result.checks.editable = true;
    }
    let box = boxOf(el);
    let point = pointIn(box, args.position);
    if (args.needs.scroll) {
      if (scrollIntoView(el, state.attempt, box, point)) {
        box = boxOf(el);
        point = pointIn(box, args.position);
      }
      const outside = outsideViewportReason(el, point);
      if (outside) return fail('in viewport', outside, { retryAfter: true });
    }
    if (args.needs.stable) {
      // Stable means the same box in two consecutive animation frames.
      const now = timelineTime();
      if (state.el !== el || !sameBox(state.box, box)) {
        state.el = el; state.box = box; state.time = now;
        return fail('stable', state.box === null ? 'waiting for a second frame' : `it is moving (box ${boxText(box)})`);
      }
      if (state.time === now) return fail('stable', 'waiting for a second frame');
      result.checks.stable = true;
    }
    if (args.needs.hit) {
      const problem = hitTargetProblem(el, point);
      if (problem) return fail(problem.check, problem.reason, { interceptor: problem.interceptor, retryAfter: true });
      result.checks['receives events'] = true;
    }
    return Object.assign(result, { status: 'ready', handle: keep(el), box, point, time: timelineTime() });
  }

  const boxText = (b) => `${fmt(b.x)},${fmt(b.y)} ${fmt(b.width)}×${fmt(b.height)}`;

  // Wait, on the page's own frames, until every check passes, one fails for good, or the time slice ends.
  // The Go side calls again with a new slice until its own deadline: a page-side wait must stay short, because a
  // running evaluation cannot be cancelled from outside.
  async function prepare(args) {
    if (args.fresh) handles.clear();
    const end = performance.now() + args.sliceMs;
    const state = { el: null, box: null, time: null, attempt: args.attempt };
    for (;;) {
      const r = inspect(args, state);
      if (r.status !== 'wait' || r.retryAfter || performance.now() >= end) return r;
      await nextFrame();
    }
  }

  // Called after the mouse has moved to the point: the box must not have changed since prepare (at least one
  // frame ago, so this is the stability check across frames) and the point must still reach the element (hover
  // effects can cover it). Then the recorder is armed for the input that follows.
  async function confirm(args) {
    const el = element(args.handle);
    if (!el.isConnected) return { status: 'wait', check: 'attached', reason: 'it was detached from the document' };
    const v = visibility(el);
    if (!v.visible) return { status: 'wait', check: 'visible', reason: v.reason };
    if (timelineTime() === args.time) await nextFrame();
    const box = boxOf(el);
    if (!sameBox(box, args.box)) {
      return { status: 'wait', check: 'stable', reason: `it moved from ${boxText(args.box)} to ${boxText(box)}` };
    }
    if (args.hit) {
      const problem = hitTargetProblem(el, args.point);
      if (problem) return Object.assign({ status: 'wait', retryAfter: true }, problem);
    }
    arm(el, args.action, args.point);
    return { status: 'ready' };
  }

  // ---------------------------------------------------------------- the input recorder: proof that events landed

  const recordedTypes = ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'dblclick', 'auxclick',
    'contextmenu', 'keydown', 'keyup', 'beforeinput', 'input', 'dragstart', 'dragenter', 'dragover', 'drop', 'dragend'];
  const guardedTypes = new Set(['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'click', 'dblclick', 'auxclick',
    'contextmenu', 'keydown', 'keyup', 'keypress', 'beforeinput', 'input', 'dragstart', 'drop']);

  let armed = null;

  function arm(el, action, point) {
    armed = { target: el, action, point, events: [], before: targetState(el), holdMisses: pointerKinds.has(action) };
  }

  const pointerKinds = new Set(['click', 'dblclick', 'contextmenu', 'press', 'drag']);

  // Whether the press and the first moves started a native HTML5 drag: a trusted dragstart on the source that
  // no listener cancelled.
  function dragState() {
    const a = armed;
    if (!a) return { started: false, cancelled: false, pressed: false };
    if (a.held) return { held: true, pressedOn: describe(a.held.node) };
    const down = a.events.find((ev) => ev.type === 'pointerdown' && ev.trusted);
    const start = a.events.find((ev) => ev.type === 'dragstart' && ev.trusted);
    return {
      pressed: !!down && down.inTarget,
      pressedOn: down ? describe(down.node) : '',
      started: !!start && !start.event.defaultPrevented,
      cancelled: !!start && start.event.defaultPrevented,
    };
  }

  // Name the element the drop is aimed at, so drag and drop events can be checked against it.
  function armDrop(args) {
    if (armed) armed.dropTarget = element(args.handle);
    return true;
  }

  // What became of a native drop: which element received it, or why none did.
  function dropOutcome() {
    const a = armed;
    armed = null;
    if (!a) return { status: 'error', reason: 'the input recorder was not armed (the page navigated during the drag)' };
    const drops = a.events.filter((ev) => ev.type === 'drop' && ev.trusted);
    const overs = a.events.filter((ev) => ev.type === 'dragover' && ev.trusted);
    const lastOver = overs[overs.length - 1];
    const out = { dropTarget: describe(a.dropTarget) };
    if (drops.length === 0) {
      out.status = 'rejected';
      if (!lastOver) out.reason = 'no dragover reached the page at the drop point';
      else if (!lastOver.event.defaultPrevented) out.reason = `${describe(lastOver.node)} did not accept the drop: its dragover was not cancelled (no preventDefault), so the browser dropped nothing`;
      else out.reason = 'the browser did not fire drop';
      return out;
    }
    const drop = drops[drops.length - 1];
    out.receivedBy = describe(drop.node);
    out.status = drop.inDropTarget ? 'dropped' : 'elsewhere';
    return out;
  }

  // Arm the recorder for keyboard input to an element (no pointer involved).
  function armKeys(args) {
    const el = element(args.handle);
    arm(el, args.kind, null);
    return focusOf(args);
  }

  function targetState(el) {
    if (!el.isConnected) return { connected: false };
    const v = visibility(el);
    return { connected: true, visible: v.visible, reason: v.reason, box: boxOf(el) };
  }

  // The press of a pointer action whose pointerdown would miss the target (it moved, or something covered it,
  // in the instant between the last check and the press) is held back from the page, all of it, and the action
  // is tried again: nothing happened that a retry could repeat. Once a pointerdown has reached the target, the
  // rest of the sequence is never held back: where it goes is the finding.
  const pressTypes = new Set(['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click', 'dblclick', 'auxclick', 'contextmenu']);

  function onEvent(e) {
    const origin = (e.composedPath && e.composedPath()[0]) || e.target;
    if (!e.isTrusted && guardedTypes.has(e.type)) reportUntrusted(e, origin);
    if (!armed) return;
    const a = armed;
    const entry = { type: e.type, trusted: e.isTrusted, node: origin, inTarget: !!origin.nodeType && containsComposed(a.target, origin) };
    if (a.holdMisses && e.isTrusted && pressTypes.has(e.type)) {
      if (e.type === 'pointerdown' && !a.pressed) {
        a.pressed = true;
        if (!entry.inTarget) a.held = { node: origin };
      }
      if (a.held) {
        e.preventDefault();
        e.stopImmediatePropagation();
        return;
      }
    }
    if (e.type === 'pointerdown' || e.type === 'pointerup' || e.type === 'click' || e.type === 'drop') entry.state = targetState(a.target);
    if (e.type === 'dragstart' || e.type === 'dragover' || e.type === 'drop') entry.event = e;
    if (a.dropTarget) entry.inDropTarget = !!origin.nodeType && containsComposed(a.dropTarget, origin);
    a.events.push(entry);
  }

  // Each untrusted event goes to the harness at once through a binding, so records survive a navigation.
  function reportUntrusted(e, origin) {
    const doc = origin.ownerDocument || origin.document || document;
    const record = { type: e.type, target: describe(origin), url: doc.URL };
    if (typeof globalThis.__e2eUntrusted === 'function') {
      try { globalThis.__e2eUntrusted(JSON.stringify(record)); } catch (err) { /* the binding is optional */ }
    }
  }

  const requiredEvents = {
    click: ['pointerdown', 'pointerup', 'click'],
    dblclick: ['pointerdown', 'pointerup', 'click', 'dblclick'],
    contextmenu: ['pointerdown', 'contextmenu'],
    press: ['pointerdown'],
    keys: ['keydown'],
    text: ['beforeinput'],
    drag: ['pointerdown'],
  };

  // What happened to the armed input: did every required event reach the target?
  function verify(args) {
    const a = armed;
    armed = null;
    if (args.kind === 'none') return { status: 'received', reached: [], problems: [] };
    if (!a) return { status: 'error', reason: 'the input recorder was not armed (the page navigated or reloaded during the action)' };
    if (a.held) {
      return { status: 'held back', reason: `the press would have gone to ${describe(a.held.node)} (the element moved or was covered just before it); it was held back from the page` };
    }
    if (args.kind === 'hover') {
      if (a.target.matches(':hover')) return { status: 'received', reached: [], problems: [] };
      return { status: 'not received', reached: [], problems: [`the pointer rests on ${describe(elementAtPoint(a.point))}, which does not hover it`], targetChange: describeChange(a) };
    }
    const required = requiredEvents[args.kind];
    const problems = [];
    for (const type of required) {
      const seen = a.events.filter((ev) => ev.type === type && ev.trusted);
      if (seen.length === 0) { problems.push(`no ${type} was dispatched`); continue; }
      const elsewhere = seen.filter((ev) => !ev.inTarget);
      if (elsewhere.length) problems.push(`${type} went to ${describe(elsewhere[0].node)}`);
    }
    const reached = required.filter((type) => a.events.some((ev) => ev.type === type && ev.trusted && ev.inTarget));
    const result = { status: problems.length ? 'not received' : 'received', reached, problems, events: a.events.map((ev) => ev.type) };
    if (problems.length) result.targetChange = describeChange(a);
    return result;
  }

  // How the target changed while the input was under way, in the words a person would use.
  function describeChange(a) {
    const now = targetState(a.target);
    const down = a.events.find((ev) => ev.type === 'pointerdown');
    const when = down && down.inTarget ? 'after pointerdown' : 'during the action';
    if (!now.connected) return `the target was removed from the document ${when}`;
    if (!now.visible) return `the target became hidden ${when} (${now.reason})`;
    if (a.before.box && !sameBox(a.before.box, now.box)) return `the target moved ${when} from ${boxText(a.before.box)} to ${boxText(now.box)}`;
    return '';
  }

  // ---------------------------------------------------------------- queries for assertions

  function deepActiveElement() {
    let el = document.activeElement;
    for (;;) {
      if (el && el.shadowRoot && el.shadowRoot.activeElement) { el = el.shadowRoot.activeElement; continue; }
      if (el && ['iframe', 'frame'].includes(el.localName)) {
        let doc = null;
        try { doc = el.contentDocument; } catch (e) { doc = null; }
        if (doc && doc.activeElement && doc.activeElement !== doc.body) { el = doc.activeElement; continue; }
      }
      return el;
    }
  }

  function snapshot(el) {
    const active = deepActiveElement();
    const v = visibility(el);
    return {
      element: describe(el),
      text: elementText(el),
      value: 'value' in el ? String(el.value) : null,
      visible: v.visible,
      hiddenReason: v.reason || '',
      enabled: disabledReason(el) === null,
      disabledReason: disabledReason(el) || '',
      focused: !!active && containsComposed(el, active),
      checked: el.localName === 'input' ? el.checked : el.getAttribute('aria-checked') === 'true',
      focusedElement: describe(active),
    };
  }

  function query(args) {
    let elements;
    try {
      elements = resolve(args.steps);
    } catch (e) {
      return { error: e.message };
    }
    const out = { count: elements.length, candidates: elements.slice(0, MAX_CANDIDATES).map(describe) };
    if (elements.length === 1 || (!args.strict && elements.length > 0)) {
      out.state = snapshot(elements[0]);
      if (args.attribute) out.attribute = elements[0].getAttribute(args.attribute);
    }
    if (args.allTexts) out.texts = elements.map(elementText);
    return out;
  }

  // Focus facts for keyboard actions: is the element (or something inside it) focused?
  function focusOf(args) {
    const el = element(args.handle);
    const active = deepActiveElement();
    return { focused: !!active && containsComposed(el, active), focusedElement: describe(active) };
  }

  // Select the whole content of a text field before text is inserted over it, as Control+A would inside it.
  function selectContents(args) {
    const el = element(args.handle);
    if (el.localName === 'input' || el.localName === 'textarea') {
      el.select();
      return { empty: el.value === '' };
    }
    const view = viewOf(el);
    const range = el.ownerDocument.createRange();
    range.selectNodeContents(el);
    const selection = view.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return { empty: el.textContent === '' };
  }

  function checkedState(args) {
    const el = element(args.handle);
    if (el.localName === 'input' && ['checkbox', 'radio'].includes(el.type)) return { checkable: true, checked: el.checked };
    if (['checkbox', 'radio', 'switch', 'menuitemcheckbox', 'menuitemradio'].includes(roleOf(el))) {
      return { checkable: true, checked: el.getAttribute('aria-checked') === 'true' };
    }
    return { checkable: false, checked: false };
  }

  // Wait on the page's frames until the locator reaches a state: attached, detached, visible or hidden.
  async function waitForState(args) {
    const end = performance.now() + args.sliceMs;
    for (;;) {
      let elements = [];
      let error = '';
      try { elements = resolve(args.steps); } catch (e) { error = e.message; }
      if (error) return { done: false, error };
      const visibleCount = elements.filter((el) => visibility(el).visible).length;
      let done = false;
      switch (args.state) {
        case 'attached': done = elements.length > 0; break;
        case 'detached': done = elements.length === 0; break;
        case 'visible': done = visibleCount > 0; break;
        case 'hidden': done = visibleCount === 0; break;
        default: return { done: false, error: `unknown state ${args.state}` };
      }
      if (done || performance.now() >= end) {
        return { done, count: elements.length, visible: visibleCount, candidates: elements.slice(0, MAX_CANDIDATES).map(describe) };
      }
      await nextFrame();
    }
  }

  // Wait n animation frames of the page: a drag's events are paced on them, as a moving mouse's are.
  async function frames(args) {
    for (let i = 0; i < args.n; i++) await nextFrame();
    return true;
  }

  function navigationStatus() {
    const nav = performance.getEntriesByType('navigation')[0];
    return { status: nav ? nav.responseStatus : 0, url: location.href, title: document.title };
  }

  const api = { frames, prepare, confirm, verify, armKeys, dragState, armDrop, dropOutcome, checkedState, waitForState, query, selectContents, navigationStatus, record: onEvent };

  // Child frames forward their events to the top frame's instance, which holds the armed recorder.
  function topInstance() {
    try {
      if (window.top !== window && window.top.__e2eH) return window.top.__e2eH;
    } catch (e) { /* cross-origin top: record locally */ }
    return api;
  }
  // document.open() erases every listener of the window and its document, ours included: editors that write
  // their canvas iframe that way (GrapesJS) would leave the recorder deaf and the untrusted-event guard blind in
  // it. It also replaces the document's children, which a MutationObserver (not erased) sees, so the listeners
  // are added again before any input can arrive. Adding the same function again is a no-op while it is there.
  const forward = (e) => topInstance().record(e);
  function listen() {
    for (const type of recordedTypes) window.addEventListener(type, forward, { capture: true, passive: !pressTypes.has(type) });
  }
  listen();
  new MutationObserver(listen).observe(document, { childList: true });

  Object.defineProperty(globalThis, '__e2eH', { value: api, enumerable: false });
})();
