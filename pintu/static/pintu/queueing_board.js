/* Display board: polls the cheap board status (204 while nothing changed), redraws, chimes and
   announces new calls in Bahasa Indonesia with the browser's speech synthesis. No libraries. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.dataset.statusUrl;
  var version = board.dataset.version;
  var pollMs = parseInt(board.dataset.pollMs, 10) || 400;
  var soundOn = false;
  var announced = {};
  var queue = [];
  var speaking = false;
  var audio = null;
  var initial = JSON.parse(document.getElementById("q-initial").textContent);
  (initial.announcements || []).forEach(function (a) { announced[a.key] = true; });
  window.pintuBoard = { received: [], version: version };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function chime(done) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var t = audio.currentTime;
      [[659.25, 0], [523.25, 0.35]].forEach(function (note) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, t + note[1]);
        gain.gain.exponentialRampToValueAtTime(0.4, t + note[1] + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + note[1] + 0.6);
        osc.connect(gain).connect(audio.destination);
        osc.start(t + note[1]);
        osc.stop(t + note[1] + 0.65);
      });
    } catch (e) { /* no audio: the number is still on screen */ }
    setTimeout(done, 900);
  }

  function speakNext() {
    if (speaking || !queue.length) return;
    var text = queue.shift();
    speaking = true;
    chime(function () {
      if (!("speechSynthesis" in window)) { speaking = false; speakNext(); return; }
      var u = new SpeechSynthesisUtterance(text);
      u.lang = "id-ID";
      u.rate = 0.9;
      var voice = window.speechSynthesis.getVoices().filter(function (v) { return /^id/i.test(v.lang); })[0];
      if (voice) u.voice = voice;
      u.onend = u.onerror = function () { speaking = false; setTimeout(speakNext, 400); };
      window.speechSynthesis.speak(u);
    });
  }

  function render(state) {
    var list = document.getElementById("q-counters");
    list.replaceChildren.apply(list, state.counters.map(function (c) {
      var li = el("li", "q-counter" + (c.open ? "" : " closed") + (c.status === "called" ? " called" : ""));
      li.appendChild(el("span", "q-counter-label", c.label));
      li.appendChild(el("span", "q-counter-ticket", c.ticket || "—"));
      return li;
    }));
    var waiting = document.getElementById("q-waiting");
    waiting.replaceChildren.apply(waiting, state.waiting.map(function (w) {
      var li = el("li");
      li.appendChild(el("b", "", w.prefix));
      li.appendChild(document.createTextNode(" " + w.name + ": "));
      li.appendChild(el("span", "", String(w.waiting)));
      return li;
    }));
    var fresh = state.announcements.filter(function (a) { return !announced[a.key]; });
    fresh.forEach(function (a) {
      announced[a.key] = true;
      document.getElementById("q-now-number").textContent = a.number;
      document.getElementById("q-now-counter").textContent = "Loket " + a.counter;
      document.getElementById("q-live").textContent = a.text;
      board.classList.remove("flash");
      void board.offsetWidth;
      board.classList.add("flash");
      window.pintuBoard.received.push({ key: a.key, number: a.number, at: Date.now() });
      if (soundOn) { queue.push(a.text); speakNext(); }
    });
  }

  function poll() {
    fetch(url + "?v=" + encodeURIComponent(version), { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.status === 200 ? r.json() : null; })
      .then(function (state) {
        if (state) { version = String(state.version); window.pintuBoard.version = version; render(state); }
      })
      .catch(function () { /* network hiccup: try again */ })
      .then(function () { setTimeout(poll, pollMs); });
  }

  function tick() {
    var now = new Date();
    document.getElementById("q-clock").textContent = now.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit" });
  }

  document.getElementById("q-sound").addEventListener("click", function () {
    soundOn = !soundOn;
    this.textContent = soundOn ? "Suara aktif" : "Aktifkan suara";
    this.setAttribute("aria-pressed", soundOn ? "true" : "false");
    if (soundOn) { chime(function () {}); }
  });
  tick();
  setInterval(tick, 15000);
  setTimeout(poll, pollMs);
})();
