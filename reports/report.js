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
