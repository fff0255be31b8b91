// The report's only script (the Content-Security-Policy allows this file's hash and nothing else). It reads
// and toggles the DOM the template built; it never turns text into markup.
(function () {
  'use strict';

  // Filmstrip players: show one frame at a time and step through them, lingering on the newest frame, which is
  // the moment of the failure.
  document.querySelectorAll('[data-player]').forEach(function (player) {
    var frames = player.querySelectorAll('img[data-frame]');
    var button = player.querySelector('[data-play]');
    var slider = player.querySelector('[data-slider]');
    var counter = player.querySelector('[data-counter]');
    if (frames.length < 2) {
      if (button) button.hidden = true;
      if (slider) slider.hidden = true;
      return;
    }
    var shown = 0;
    var timer = null;
    var linger = 0;
    function show(i) {
      frames[shown].hidden = true;
      shown = (i + frames.length) % frames.length;
      frames[shown].hidden = false;
      counter.textContent = (shown + 1) + ' / ' + frames.length;
      slider.value = String(shown);
      player.setAttribute('data-shown', String(shown));
    }
    function tick() {
      if (shown === frames.length - 1 && linger < 3) {
        linger++;
        return;
      }
      linger = 0;
      show(shown + 1);
    }
    function play() {
      if (timer === null) timer = window.setInterval(tick, 400);
      button.textContent = 'Pause';
    }
    function pause() {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
      button.textContent = 'Play';
    }
    button.addEventListener('click', function () {
      if (timer === null) play(); else pause();
    });
    slider.addEventListener('input', function () {
      pause();
      show(Number(slider.value));
    });
    show(0);
    play();
  });

  // Trace views: one step at a time, its frame (before or after the action) with the marks drawn over it, its
  // details below. The arrow keys step (up, down) and switch the frame (left, right); a frame of the filmstrip
  // shows that frame and goes to its step. Images are data: URIs held once per card, found by their pool id.
  document.querySelectorAll('[data-trace]').forEach(function (trace) {
    var card = trace.closest('details.spec') || document;
    var pool = {};
    card.querySelectorAll('img[data-pool-id]').forEach(function (img) {
      var id = img.getAttribute('data-pool-id');
      if (id) pool[id] = img.getAttribute('src');
    });
    var list = trace.querySelector('[data-trace-steps]');
    var items = list.querySelectorAll('[data-step]');
    var image = trace.querySelector('[data-trace-image]');
    var noFrame = trace.querySelector('[data-no-frame]');
    var caption = trace.querySelector('[data-frame-caption]');
    var overlays = trace.querySelectorAll('[data-overlay-for]');
    var details = trace.querySelectorAll('[data-details-for]');
    var switches = trace.querySelectorAll('[data-show]');
    var film = trace.querySelectorAll('[data-film]');
    if (items.length === 0) return;
    film.forEach(function (button) {
      var thumb = button.querySelector('img');
      var src = pool[button.getAttribute('data-pool-ref')];
      if (thumb && src) thumb.setAttribute('src', src);
    });
    var state = { step: Math.min(Number(trace.getAttribute('data-start')) || 0, items.length - 1), view: 'before', film: -1 };

    function render() {
      var item = items[state.step];
      items.forEach(function (it, i) {
        it.setAttribute('aria-selected', String(i === state.step));
      });
      list.setAttribute('aria-activedescendant', item.id);
      var ref = '';
      var what = '';
      if (state.film >= 0) {
        ref = film[state.film].getAttribute('data-pool-ref');
        what = 'filmstrip frame at ' + film[state.film].querySelector('.time').textContent;
      } else {
        ref = item.getAttribute('data-' + state.view);
        what = state.view === 'before' ? 'the page just before this step' : 'the page as this step left it';
      }
      var src = ref ? pool[ref] : '';
      image.hidden = !src;
      noFrame.hidden = !!src;
      if (src) image.setAttribute('src', src); else image.removeAttribute('src');
      caption.textContent = src ? what : '';
      overlays.forEach(function (o) {
        // An <svg> has no hidden property (it is not an HTML element): the attribute itself is toggled.
        o.toggleAttribute('hidden', !src || o.getAttribute('data-overlay-for') !== String(state.step));
      });
      details.forEach(function (d) {
        d.hidden = d.getAttribute('data-details-for') !== String(state.step);
      });
      switches.forEach(function (b) {
        b.setAttribute('aria-pressed', String(state.film < 0 && b.getAttribute('data-show') === state.view));
      });
      film.forEach(function (b, i) {
        b.classList.toggle('current', i === state.film);
        b.classList.toggle('in-step', b.getAttribute('data-film-step') === String(state.step));
      });
      trace.setAttribute('data-shown-step', String(state.step));
      trace.setAttribute('data-shown-frame', src ? ref : '');
      trace.setAttribute('data-shown-view', state.film >= 0 ? 'film' : state.view);
      if (item.scrollIntoView) item.scrollIntoView({ block: 'nearest' });
    }
    function select(i) {
      state.step = Math.max(0, Math.min(items.length - 1, i));
      state.film = -1;
      render();
    }
    function show(view) {
      state.view = view;
      state.film = -1;
      render();
    }
    list.addEventListener('keydown', function (e) {
      var handled = true;
      switch (e.key) {
        case 'ArrowDown': select(state.step + 1); break;
        case 'ArrowUp': select(state.step - 1); break;
        case 'Home': select(0); break;
        case 'End': select(items.length - 1); break;
        case 'ArrowLeft': show('before'); break;
        case 'ArrowRight': show('after'); break;
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });
    items.forEach(function (it, i) {
      it.addEventListener('click', function () {
        select(i);
        list.focus();
      });
    });
    switches.forEach(function (b) {
      b.addEventListener('click', function () {
        show(b.getAttribute('data-show'));
      });
    });
    film.forEach(function (b, i) {
      b.addEventListener('click', function () {
        var step = Number(b.getAttribute('data-film-step'));
        state.step = Math.max(0, Math.min(items.length - 1, step));
        state.film = i;
        render();
      });
    });
    render();
  });

  // Filters: show only the specs with one outcome.
  var buttons = document.querySelectorAll('[data-filter]');
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      var want = button.getAttribute('data-filter');
      document.querySelectorAll('details.spec').forEach(function (spec) {
        spec.hidden = want !== 'all' && spec.getAttribute('data-outcome') !== want;
      });
      buttons.forEach(function (b) {
        b.setAttribute('aria-pressed', String(b === button));
      });
    });
  });
})();
