// The harness engine. It runs in the harness's own isolated world ("__e2e_harness") of every frame, installed
// before any page script by Page.addScriptToEvaluateOnNewDocument. Page scripts cannot see or patch it, and it
// sees the same DOM. The top frame's instance does all the work: it reaches same-origin iframes through
// contentDocument and open shadow roots through shadowRoot. Instances in child frames only forward the input
// events they observe to the top instance, because events inside an iframe never reach the top window.
(() => {
  'use strict';
  if (globalThis.__e2eH) return;

  // The words the engine and the Go side exchange (harness/engine_protocol.go holds the same sets; its test
  // checks that this file uses exactly these, and only through these tables).
  const CHECK = Object.freeze({
    resolve: 'resolve', attached: 'attached', unique: 'unique', visible: 'visible', enabled: 'enabled',
    editable: 'editable', inViewport: 'in viewport', stable: 'stable', receivesEvents: 'receives events',
  });
  const STATUS = Object.freeze({
    ready: 'ready', wait: 'wait', error: 'error', received: 'received', notReceived: 'not received',
    heldBack: 'held back', dropped: 'dropped', elsewhere: 'elsewhere', rejected: 'rejected',
  });
  const KIND = Object.freeze({
    click: 'click', dblclick: 'dblclick', contextmenu: 'contextmenu', press: 'press', drag: 'drag',
    hover: 'hover', keys: 'keys', text: 'text', none: 'none',
  });

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

  // Every position the engine hands out or takes is in the top-level viewport's CSS pixels, which is where
  // trusted input goes. An element in a frame has its own viewport: the frames on the way map between the two.
  // Plain frames only shift the origin (their content box's offset). A frame that is transformed, or sits in
  // a transformed ancestor (a scaled device preview, a rotated card), maps through the real, transformed
  // geometry: the Go side measures each such frame's content quad with DOM.getBoxModel, which Chromium gives
  // in top-level coordinates, and hands it over (setFrameQuads). Every mapping below goes through that quad.

  const fmt = (n) => (Math.round(n * 10) / 10).toString();

  // The frames from the top document down to doc: the <iframe> element of each document on the way.
  function frameChain(doc) {
    const chain = [];
    for (let d = doc, frame = frameElementOf(d); frame; d = frame.ownerDocument, frame = frameElementOf(d)) chain.unshift(frame);
    return chain;
  }

  const transformProperties = ['transform', 'scale', 'rotate', 'translate'];

  // The transforms that move a frame's content: its own and its ancestors', up to its document's root.
  function transformsAbove(frame) {
    const found = [];
    for (let n = frame; n; n = composedParentElement(n)) {
      const s = styleOf(n);
      for (const p of transformProperties) if (s[p] && s[p] !== 'none') found.push(`${describe(n)} ${p}: ${s[p]}`);
      if (s.zoom && s.zoom !== '1' && s.zoom !== 'normal') found.push(`${describe(n)} zoom: ${s.zoom}`);
    }
    return found;
  }

  // What the measured quads of a chain depend on: each frame's box in its parent and the transforms above it.
  function chainKey(chain) {
    return chain.map((f) => {
      const r = f.getBoundingClientRect();
      return `${r.left},${r.top},${r.width},${r.height}|${transformsAbove(f).join(';')}`;
    }).join('/');
  }

  // frame element → { quad: [x1,y1,…,x4,y4] of its content box in top-level coordinates, key }
  const frameQuads = new WeakMap();

  // The geometry of doc's frame chain: { chain, transformed, measure }. measure lists the frames whose quads
  // must be measured (again) before points in doc can be mapped; it is empty when the chain is plain.
  function chainGeometry(doc) {
    const chain = frameChain(doc);
    const transformed = chain.some((f) => transformsAbove(f).length > 0);
    if (!transformed) return { chain, transformed, measure: [] };
    // Each frame's quad depends on the frames above it and on itself.
    const measure = chain.filter((f, i) => { const q = frameQuads.get(f); return !q || q.key !== chainKey(chain.slice(0, i + 1)); });
    return { chain, transformed, measure };
  }

  function setFrameQuads(args) {
    for (const { handle, quad } of args.quads) {
      const frame = element(handle);
      frameQuads.set(frame, { quad, key: chainKey(frameChain(frame.ownerDocument).concat([frame])) });
    }
    return true;
  }

  // A frame's content-box size before any transform: the untransformed side lengths its quad maps.
  function contentSize(frame) {
    const s = styleOf(frame);
    return {
      w: frame.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),
      h: frame.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom),
    };
  }

  // The affine map from frame's viewport to the top-level viewport, from its measured content quad, and back.
  function frameMap(frame) {
    const m = frameQuads.get(frame);
    if (!m) return null;
    const q = m.quad;
    const { w, h } = contentSize(frame);
    const ux = { x: (q[2] - q[0]) / w, y: (q[3] - q[1]) / w };
    const uy = { x: (q[6] - q[0]) / h, y: (q[7] - q[1]) / h };
    const det = ux.x * uy.y - ux.y * uy.x;
    return {
      toTop: (p) => ({ x: q[0] + p.x * ux.x + p.y * uy.x, y: q[1] + p.x * ux.y + p.y * uy.y }),
      fromTop: (p) => {
        const dx = p.x - q[0];
        const dy = p.y - q[1];
        return { x: (dx * uy.y - dy * uy.x) / det, y: (dy * ux.x - dx * ux.y) / det };
      },
      // How the frame's content is drawn, for error messages: "scaled 0.5×, rotated 30°".
      describe: () => {
        const scale = Math.hypot(ux.x, ux.y);
        const angle = Math.atan2(ux.y, ux.x) * 180 / Math.PI;
        const parts = [];
        if (Math.abs(scale - 1) > 0.001) parts.push(`scaled ${fmt(scale)}×`);
        if (Math.abs(angle) > 0.05) parts.push(`rotated ${fmt(angle)}°`);
        return parts.join(', ') || 'transformed';
      },
    };
  }

  // Offset of a plain (untransformed) frame's viewport in its parent's viewport: its content box.
  function contentOffset(frame) {
    const r = frame.getBoundingClientRect();
    const s = styleOf(frame);
    return { x: r.left + frame.clientLeft + parseFloat(s.paddingLeft), y: r.top + frame.clientTop + parseFloat(s.paddingTop) };
  }

  // The map between doc's viewport and the top-level viewport, worked out once per look at the page (the
  // cache is dropped at the start of every engine call, since the page may have changed in between).
  let mappers = new Map();
  const freshGeometry = () => { mappers = new Map(); };

  function mapper(doc) {
    let m = mappers.get(doc);
    if (m) return m;
    const chain = frameChain(doc);
    const map = chain.length && chainGeometry(doc).transformed ? frameMap(chain[chain.length - 1]) : null;
    if (map) {
      m = { toTop: map.toTop, fromTop: map.fromTop };
    } else {
      let x = 0;
      let y = 0;
      for (const f of chain) { const o = contentOffset(f); x += o.x; y += o.y; }
      m = { toTop: (p) => ({ x: p.x + x, y: p.y + y }), fromTop: (p) => ({ x: p.x - x, y: p.y - y }) };
    }
    mappers.set(doc, m);
    return m;
  }

  // A point in doc's viewport, in top-level coordinates, and back.
  const toTop = (doc, p) => mapper(doc).toTop(p);
  const fromTop = (doc, p) => mapper(doc).fromTop(p);

  // The four corners of a rectangle of doc's viewport, in top-level coordinates.
  function quadOf(doc, r) {
    return [toTop(doc, { x: r.left, y: r.top }), toTop(doc, { x: r.right, y: r.top }),
      toTop(doc, { x: r.right, y: r.bottom }), toTop(doc, { x: r.left, y: r.bottom })];
  }

  function boundsOf(points) {
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
  }

  // The element's border box in top-level coordinates: the bounds of its (possibly transformed) quad.
  function boxOf(el) {
    return boundsOf(quadOf(el.ownerDocument, el.getBoundingClientRect()));
  }

  const sameBox = (a, b) => !!a && !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

  // Where to aim, best first, in top-level coordinates. With AtPosition, that point of the border box. Otherwise
  // points of the element's own shape: the centre of each of its boxes (an inline element has one per line)
  // and, with grid, the centres of a 6×6 grid inside each box from the middle out. The centre of the bounding
  // box is often not the element: the hole of a ring, the gap of an L, a neighbour that text flows around; the
  // hit test takes the first point that really reaches the element.
  function aimPoints(el, position, grid) {
    const doc = el.ownerDocument;
    if (position) {
      if (grid) return [];
      const r = el.getBoundingClientRect();
      return [toTop(doc, { x: r.left + position.x, y: r.top + position.y })];
    }
    const rects = Array.from(el.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
    if (rects.length === 0) rects.push(el.getBoundingClientRect());
    const centre = (r) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    if (!grid) return rects.map((r) => toTop(doc, centre(r)));
    const cells = [];
    const n = 6;
    for (const r of rects) {
      const c = centre(r);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const p = { x: r.left + (i + 0.5) * r.width / n, y: r.top + (j + 0.5) * r.height / n };
          cells.push({ p, d: Math.hypot(p.x - c.x, p.y - c.y) });
        }
      }
    }
    cells.sort((a, b) => a.d - b.d);
    return cells.map((c) => toTop(doc, c.p));
  }

  // Whether a top-level point is inside the viewport of el's document and of every frame above it.
  function outsideViewportReason(el, point) {
    const top = window;
    if (point.x < 0 || point.y < 0 || point.x >= top.innerWidth || point.y >= top.innerHeight) {
      return `its click point (${fmt(point.x)}, ${fmt(point.y)}) is outside the ${top.innerWidth}×${top.innerHeight} viewport`;
    }
    for (const frame of frameChain(el.ownerDocument)) {
      const inner = frame.contentDocument;
      const local = fromTop(inner, point);
      const view = inner.defaultView;
      if (local.x < 0 || local.y < 0 || local.x >= view.innerWidth || local.y >= view.innerHeight) {
        return `its click point is outside the visible area of ${describe(frame)}`;
      }
    }
    return null;
  }

  // The ancestor whose overflow clipping hides the point, if any.
  function clippingAncestor(el, point) {
    const local = fromTop(el.ownerDocument, point);
    for (let n = composedParentElement(el); n && n !== el.ownerDocument.documentElement; n = composedParentElement(n)) {
      const s = styleOf(n);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const r = n.getBoundingClientRect();
      if (local.x < r.left || local.x >= r.right || local.y < r.top || local.y >= r.bottom) return n;
    }
    return null;
  }

  const scrollAlignments = [null, 'center', 'end', 'start'];

  function scrollIntoView(el, attempt, point) {
    const alignment = scrollAlignments[attempt % scrollAlignments.length];
    if (alignment === null) {
      if (!outsideViewportReason(el, point)) return false;
      el.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: 'instant' });
    } else {
      el.scrollIntoView({ block: alignment, inline: alignment, behavior: 'instant' });
    }
    return true;
  }

  // How the frames on the way to el are drawn, for error messages: "" when none is transformed.
  function frameChainText(el) {
    const g = chainGeometry(el.ownerDocument);
    if (!g.transformed) return '';
    return g.chain.map((f) => { const m = frameMap(f); return `${describe(f)} (${m ? m.describe() : 'not measured'})`; }).join(' > ');
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

  // The element a pointer event at this top-level point reaches, entering same-origin frames.
  function elementAtPoint(point) {
    let doc = document;
    for (;;) {
      const local = fromTop(doc, point);
      const el = deepElementFromPoint(doc, local.x, local.y);
      if (!el || !['iframe', 'frame'].includes(el.localName)) return el;
      let inner = null;
      try { inner = el.contentDocument; } catch (e) { inner = null; }
      if (!inner) return el;
      const ip = fromTop(inner, point);
      if (ip.x < 0 || ip.y < 0 || ip.x >= inner.defaultView.innerWidth || ip.y >= inner.defaultView.innerHeight) return el;
      doc = inner;
    }
  }

  // null when a pointer event at point reaches el; otherwise why it would not.
  function hitTargetProblem(el, point) {
    const noneOrigin = pointerEventsNoneOrigin(el);
    if (noneOrigin) {
      return {
        check: CHECK.receivesEvents,
        reason: noneOrigin === el ? 'it has pointer-events: none' : `it inherits pointer-events: none from ${describe(noneOrigin)}`,
      };
    }
    const hit = elementAtPoint(point);
    if (hit && containsComposed(el, hit)) return null;
    const clip = clippingAncestor(el, point);
    if (clip) {
      return { check: CHECK.receivesEvents, reason: `it is clipped by ${describe(clip)} (overflow: ${styleOf(clip).overflow})`, interceptor: describe(hit), hit };
    }
    if (!hit) return { check: CHECK.receivesEvents, reason: 'nothing is under its click point' };
    return { check: CHECK.receivesEvents, reason: `${describe(hit)} intercepts pointer events`, interceptor: describe(hit), hit };
  }

  // The first aim point that reaches el, or why none does: what covers it, and what the points tried reached.
  // points are already inside the viewport.
  function reachablePoint(el, points) {
    let first = null;
    const reached = new Map(); // what intercepted → how many points
    for (const point of points) {
      const problem = hitTargetProblem(el, point);
      if (!problem) return { point };
      if (!problem.hit) return { problem }; // pointer-events: none, or nothing at all: no other point helps
      if (!first) first = problem;
      const who = describe(problem.hit);
      reached.set(who, (reached.get(who) || 0) + 1);
    }
    if (points.length > 1 && first) {
      const summary = Array.from(reached, ([who, n]) => `${n} to ${who}`).slice(0, 3).join(', ');
      first = Object.assign({}, first, { reason: `${first.reason} (none of the ${points.length} points tried inside it reaches it: ${summary})` });
    }
    const chain = frameChainText(el);
    if (first && chain) first.reason += `; frames on the way: ${chain}`;
    return { problem: first };
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

  // The first time this document makes the harness wait (a check not passed yet, a state not reached), it says
  // so once through a binding: the harness starts the filmstrip then (FilmstripWhenWaiting).
  let waitingNoted = false;
  function noteWaiting() {
    if (waitingNoted) return;
    waitingNoted = true;
    if (typeof globalThis.__e2eWaiting === 'function') {
      try { globalThis.__e2eWaiting(''); } catch (err) { /* the binding is optional */ }
    }
  }

  // ---------------------------------------------------------------- actionability

  // One look at the locator's element: each check in order, stopping at the first that fails.
  // needs: {visible, enabled, editable, stable, scroll, hit}
  function inspect(args, state) {
    freshGeometry();
    let elements;
    try {
      elements = resolve(args.steps);
    } catch (e) {
      return { status: STATUS.error, check: CHECK.resolve, reason: e.message };
    }
    if (elements.length === 0) return { status: STATUS.wait, check: CHECK.attached, reason: 'no element matches the locator' };
    if (elements.length > 1 && args.strict) {
      return {
        status: STATUS.error, check: CHECK.unique, reason: `the locator matches ${elements.length} elements`,
        count: elements.length, candidates: elements.slice(0, MAX_CANDIDATES).map(describe),
      };
    }
    const el = elements[0];
    const result = { element: describe(el), checks: {}, password: el.localName === 'input' && el.type === 'password' };
    const fail = (check, reason, extra) => Object.assign(result, { status: STATUS.wait, check, reason }, extra || {});

    if (args.needs.visible) {
      const v = visibility(el);
      if (!v.visible) return fail(CHECK.visible, v.reason);
      result.checks[CHECK.visible] = true;
    }
    if (args.needs.enabled) {
      const d = disabledReason(el);
      if (d) return fail(CHECK.enabled, d);
      result.checks[CHECK.enabled] = true;
    }
    if (args.needs.editable) {
      const e = notEditableReason(el);
      if (e) return fail(CHECK.editable, e);
      result.checks[CHECK.editable] = true;
    }
    const measuring = (g) => fail(CHECK.inViewport, 'the frames on the way are transformed and are being measured',
      { measure: g.measure.map(keep) });
    let geo = chainGeometry(el.ownerDocument);
    if (geo.measure.length) return measuring(geo);
    let box = boxOf(el);
    const inView = (points) => (args.needs.scroll ? points.filter((p) => !outsideViewportReason(el, p)) : points);
    let points = aimPoints(el, args.position, false);
    if (args.needs.scroll) {
      if (scrollIntoView(el, state.attempt, points[0])) {
        freshGeometry();
        geo = chainGeometry(el.ownerDocument);
        if (geo.measure.length) return measuring(geo);
        box = boxOf(el);
        points = aimPoints(el, args.position, false);
      }
      if (inView(points).length === 0 && inView(aimPoints(el, args.position, true)).length === 0) {
        return fail(CHECK.inViewport, outsideViewportReason(el, points[0]), { retryAfter: true });
      }
    }
    if (args.needs.stable) {
      // Stable means the same box in two consecutive animation frames.
      const now = timelineTime();
      if (state.el !== el || !sameBox(state.box, box)) {
        const first = state.box === null;
        state.el = el; state.box = box; state.time = now;
        return fail(CHECK.stable, first ? 'waiting for a second frame' : `it is moving (box ${boxText(box)})`);
      }
      if (state.time === now) return fail(CHECK.stable, 'waiting for a second frame');
      result.checks[CHECK.stable] = true;
    }
    let point = inView(points)[0] || inView(aimPoints(el, args.position, true))[0];
    if (args.needs.hit) {
      // The centres first; the grid only when no centre reaches the element.
      let reach = reachablePoint(el, inView(points));
      if (reach.problem && reach.problem.hit && !args.position) {
        const more = reachablePoint(el, inView(points).concat(inView(aimPoints(el, null, true))));
        if (!more.problem || more.problem.hit) reach = more;
      }
      if (reach.problem) return fail(reach.problem.check, reach.problem.reason, { interceptor: reach.problem.interceptor, retryAfter: true });
      point = reach.point;
      result.checks[CHECK.receivesEvents] = true;
    }
    return Object.assign(result, { status: STATUS.ready, handle: keep(el), box, point, time: timelineTime() });
  }

  const boxText = (b) => `${fmt(b.x)},${fmt(b.y)} ${fmt(b.width)}×${fmt(b.height)}`;

  // Wait, on the page's own frames, until every check passes, one fails for good, or the time slice ends.
  // The Go side calls again with a new slice until its own deadline: a page-side wait must stay short, because a
  // running evaluation cannot be cancelled from outside.
  //
  // With a patience (args.patience), the page time and the rendered frames during which the element was not
  // ready are added up, across calls (the Go side hands the totals back in): once both exceed the patience
  // and its minimum of frames, the answer says outOfPatience. Only time the engine watched counts, frame to
  // frame; the gaps between calls are the harness's, not the page's.
  async function prepare(args) {
    if (args.fresh) handles.clear();
    const end = performance.now() + args.sliceMs;
    const state = { el: null, box: null, time: null, attempt: args.attempt };
    const patience = args.patience ? { usedMs: args.patience.usedMs, usedFrames: args.patience.usedFrames } : null;
    let before = null; // the timeline time of the previous look, when the element was not ready at it
    for (;;) {
      const r = inspect(args, state);
      if (patience) {
        const now = timelineTime();
        if (before !== null && now !== null && now > before) {
          patience.usedMs += now - before;
          patience.usedFrames += 1;
        }
        before = r.status === STATUS.wait ? now : null;
        r.patience = Object.assign({ ms: args.patience.ms, minFrames: args.patience.minFrames }, patience);
        if (r.status === STATUS.wait && !r.measure && patience.usedMs >= args.patience.ms && patience.usedFrames >= args.patience.minFrames) {
          r.outOfPatience = true;
          return r;
        }
      }
      if (r.status === STATUS.wait && !r.measure) noteWaiting();
      if (r.status !== STATUS.wait || r.retryAfter || r.measure || performance.now() >= end) return r;
      await nextFrame();
    }
  }

  // Called after the mouse has moved to the point: the box must not have changed since prepare (at least one
  // frame ago, so this is the stability check across frames) and the point must still reach the element (hover
  // effects can cover it). Then the recorder is armed for the input that follows.
  async function confirm(args) {
    const el = element(args.handle);
    if (!el.isConnected) return { status: STATUS.wait, check: CHECK.attached, reason: 'it was detached from the document' };
    const v = visibility(el);
    if (!v.visible) return { status: STATUS.wait, check: CHECK.visible, reason: v.reason };
    // The box is compared across a rendered frame: a wait that ended on nextFrame's timer (a starved machine, a
    // frame late by more than its 100 ms) saw none, and a moving element looks still between two looks in the
    // same frame. A page that renders no frame within a second is compared as it is.
    for (const until = performance.now() + 1000; timelineTime() === args.time && performance.now() < until;) await nextFrame();
    freshGeometry();
    if (chainGeometry(el.ownerDocument).measure.length) {
      return { status: STATUS.wait, check: CHECK.stable, reason: 'a transformed frame on the way moved' };
    }
    const box = boxOf(el);
    if (!sameBox(box, args.box)) {
      return { status: STATUS.wait, check: CHECK.stable, reason: `it moved from ${boxText(args.box)} to ${boxText(box)}` };
    }
    if (args.hit) {
      const problem = hitTargetProblem(el, args.point);
      if (problem) return { status: STATUS.wait, retryAfter: true, check: problem.check, reason: problem.reason, interceptor: problem.interceptor };
    }
    arm(el, args.action, args.point);
    return { status: STATUS.ready };
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

  const pointerKinds = new Set([KIND.click, KIND.dblclick, KIND.contextmenu, KIND.press, KIND.drag]);

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
    if (!a) return { status: STATUS.error, reason: 'the input recorder was not armed (the page navigated during the drag)' };
    const drops = a.events.filter((ev) => ev.type === 'drop' && ev.trusted);
    const overs = a.events.filter((ev) => ev.type === 'dragover' && ev.trusted);
    const lastOver = overs[overs.length - 1];
    const out = { dropTarget: describe(a.dropTarget) };
    if (drops.length === 0) {
      out.status = STATUS.rejected;
      if (!lastOver) out.reason = 'no dragover reached the page at the drop point';
      else if (!lastOver.event.defaultPrevented) out.reason = `${describe(lastOver.node)} did not accept the drop: its dragover was not cancelled (no preventDefault), so the browser dropped nothing`;
      else out.reason = 'the browser did not fire drop';
      return out;
    }
    const drop = drops[drops.length - 1];
    out.receivedBy = describe(drop.node);
    out.status = drop.inDropTarget ? STATUS.dropped : STATUS.elsewhere;
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
    if (e.type === 'pointerdown' || e.type === 'pointerup' || e.type === 'click' || e.type === 'drop') {
      entry.state = targetState(a.target);
      // Where the event went, for the trace: the element that received it and its box at that moment.
      const receiver = isElement(origin) ? origin : origin.parentElement;
      if (receiver && receiver.isConnected) entry.box = boxOf(receiver);
    }
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
    [KIND.click]: ['pointerdown', 'pointerup', 'click'],
    [KIND.dblclick]: ['pointerdown', 'pointerup', 'click', 'dblclick'],
    [KIND.contextmenu]: ['pointerdown', 'contextmenu'],
    [KIND.press]: ['pointerdown'],
    [KIND.keys]: ['keydown'],
    [KIND.text]: ['beforeinput'],
    [KIND.drag]: ['pointerdown'],
  };

  // What happened to the armed input: did every required event reach the target?
  function verify(args) {
    const a = armed;
    armed = null;
    if (args.kind === KIND.none) return { status: STATUS.received, reached: [], problems: [] };
    if (!a) return { status: STATUS.error, reason: 'the input recorder was not armed (the page navigated or reloaded during the action)' };
    if (a.held) {
      return { status: STATUS.heldBack, reason: `the press would have gone to ${describe(a.held.node)} (the element moved or was covered just before it); it was held back from the page` };
    }
    if (args.kind === KIND.hover) {
      const under = elementAtPoint(a.point);
      const hovered = a.target.matches(':hover');
      const landing = [{ event: 'hover', element: describe(under), inTarget: hovered, box: under ? boxOf(under) : null }];
      if (hovered) return { status: STATUS.received, reached: [], problems: [], landings: landing };
      return { status: STATUS.notReceived, reached: [], problems: [`the pointer rests on ${describe(under)}, which does not hover it`], targetChange: describeChange(a), landings: landing };
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
    const result = { status: problems.length ? STATUS.notReceived : STATUS.received, reached, problems, events: a.events.map((ev) => ev.type),
      landings: landings(a, required) };
    if (problems.length) result.targetChange = describeChange(a);
    return result;
  }

  // Where the first trusted event of each required type went: the landing proof, as the trace shows it.
  function landings(a, types) {
    const out = [];
    for (const type of types) {
      const ev = a.events.find((e) => e.type === type && e.trusted);
      if (!ev) continue;
      out.push({ event: type, element: describe(ev.node), inTarget: ev.inTarget, box: ev.box || null });
    }
    return out;
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

  // What a filled element holds once the page's input handlers (masks, filters) have had a frame to run.
  async function filledValue(args) {
    await nextFrame();
    const el = element(args.handle);
    if (el.localName === 'input' || el.localName === 'textarea') return { value: el.value, contentEditable: false };
    return { value: normalizeSpace(el.textContent), contentEditable: true };
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
      noteWaiting();
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

  // The mouse pointer, drawn in slow motion (WithSlowMotion) so a person can follow trusted input: a dot in a
  // closed shadow root, invisible to pointer events and to the page's own queries.
  let pointerDot = null;
  function showPointer(args) {
    if (!pointerDot || !pointerDot.isConnected) {
      const host = document.createElement('e2e-harness-pointer');
      host.style.cssText = 'position: fixed; left: 0; top: 0; width: 0; height: 0; z-index: 2147483647; pointer-events: none';
      const root = host.attachShadow({ mode: 'closed' });
      pointerDot = document.createElement('div');
      pointerDot.style.cssText = 'position: fixed; width: 14px; height: 14px; margin: -7px 0 0 -7px; border-radius: 50%; ' +
        'border: 2px solid white; box-shadow: 0 0 0 1px rgba(0,0,0,.6); pointer-events: none; transition: background 60ms';
      root.appendChild(pointerDot);
      document.documentElement.appendChild(host);
    }
    pointerDot.style.left = `${args.x}px`;
    pointerDot.style.top = `${args.y}px`;
    pointerDot.style.background = args.pressed ? 'rgba(220, 38, 38, .85)' : 'rgba(37, 99, 235, .6)';
    return true;
  }

  // The element behind a handle, for the Go side to reach it through the protocol (DOM.getBoxModel).
  const handleElement = (handle) => element(handle);

  const calls = { frames, prepare, confirm, verify, armKeys, dragState, armDrop, dropOutcome, checkedState, waitForState,
    query, selectContents, navigationStatus, setFrameQuads, handleElement, filledValue, showPointer };
  // Every call starts from the page as it is now: geometry worked out in an earlier call may be stale.
  const api = { record: onEvent };
  for (const [name, fn] of Object.entries(calls)) api[name] = (args) => { freshGeometry(); return fn(args); };

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
