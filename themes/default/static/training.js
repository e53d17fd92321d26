/* Hindsight training: practice mode on role-play scripts, learning-path progress and step
   navigation, flashcards with Leitner boxes, and the glossary quiz. Everything is kept in
   the reader's localStorage; nothing is sent anywhere. */
(function () {
  "use strict";

  /* Progress is kept per site: two knowledge bases on one origin (user.github.io/a/ and
     /b/, or two folders opened from disk) must not share flashcard boxes or path progress.
     The site is where this script lives: every page loads it from the site's root. */
  var script = document.currentScript;
  var SITE = script && script.src ? new URL(".", script.src).pathname : "/";
  var store = {
    get: function (key, fallback) {
      try {
        var v = localStorage.getItem(key + "@" + SITE);
        return v ? JSON.parse(v) : fallback;
      } catch (e) { return fallback; }
    },
    set: function (key, value) {
      try { localStorage.setItem(key + "@" + SITE, JSON.stringify(value)); } catch (e) { /* storage may be off */ }
    }
  };

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") n.textContent = attrs[k];
      else if (k === "class") n.className = attrs[k];
      else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }

  function shuffle(list) {
    for (var i = list.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = list[i]; list[i] = list[j]; list[j] = t;
    }
    return list;
  }

  /* Keys typed into controls belong to them, not to page shortcuts. */
  function isInteractive(target) {
    return target && target.closest && target.closest("a, button, input, select, textarea, summary, [contenteditable]");
  }
  /* Digits typed into a field are text; on a button they can still be shortcuts. */
  function isTyping(target) {
    return target && target.closest && target.closest("input:not([type=radio]):not([type=checkbox]), select, textarea, [contenteditable]");
  }

  /* Pretty URLs with a query (`…/slug/?path=x`) need `index.html` when opened from disk. */
  function fixFileLink(a) {
    if (location.protocol !== "file:") return;
    var h = a.getAttribute("href");
    if (h && /\/\?/.test(h)) a.setAttribute("href", h.replace(/\/\?/, "/index.html?"));
  }
  document.querySelectorAll('a[href*="/?path="]').forEach(fixFileLink);

  /* ---------- Practice mode on scripts ---------- */
  var bar = document.querySelector(".practice-bar");
  var dialogue = document.querySelector(".dialogue");
  if (bar && dialogue) {
    var key = "hindsight-practice:" + bar.dataset.practice;
    var marks = store.get(key, {});
    var toggle = bar.querySelector(".practice-toggle");
    var tally = bar.querySelector(".practice-tally");
    var reset = bar.querySelector(".practice-reset");
    var lines = Array.prototype.slice.call(dialogue.querySelectorAll(".line.learner"));
    var on = false;
    var intro = bar.querySelector(".practice-intro");
    bar.querySelector(".needs-js").hidden = true;
    toggle.hidden = false;
    if (intro) intro.hidden = false;

    var nextHidden = function () {
      for (var i = 0; i < lines.length; i++) if (!lines[i].classList.contains("revealed")) return lines[i];
      return null;
    };
    var markNext = function () {
      lines.forEach(function (l) { l.classList.remove("next-up"); });
      var n = on && nextHidden();
      if (n) n.classList.add("next-up");
    };
    var updateTally = function () {
      var nailed = 0, work = 0;
      lines.forEach(function (l) {
        if (marks[l.id] === "nailed") nailed++;
        else if (marks[l.id] === "work") work++;
      });
      tally.textContent = "";
      tally.appendChild(el("span", { "class": "nailed", text: "Nailed it: " + nailed }));
      tally.appendChild(document.createTextNode(" · "));
      tally.appendChild(el("span", { "class": "work", text: "Needs work: " + work }));
      tally.appendChild(document.createTextNode(" · " + (lines.length - nailed - work) + " not marked"));
    };
    var setMark = function (line, value) {
      marks[line.id] = value;
      store.set(key, marks);
      line.querySelectorAll("[data-mark]").forEach(function (b) {
        b.setAttribute("aria-pressed", b.dataset.mark === value ? "true" : "false");
      });
      updateTally();
    };
    var reveal = function (line) {
      line.classList.add("revealed");
      line.querySelector(".reveal").hidden = true;
      line.querySelector(".prompt").hidden = true;
      line.querySelectorAll("[data-mark]").forEach(function (b) { b.hidden = false; });
      line.querySelector('[data-mark="nailed"]').focus({ preventScroll: true });
      markNext();
    };
    var conceal = function (line) {
      line.classList.remove("revealed");
      line.querySelector(".reveal").hidden = false;
      line.querySelector(".prompt").hidden = false;
      line.querySelectorAll("[data-mark]").forEach(function (b) { b.hidden = true; });
    };
    var focusNext = function () {
      var n = nextHidden();
      if (!n) return;
      n.scrollIntoView({ block: "center", behavior: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
      n.querySelector(".reveal").focus({ preventScroll: true });
    };

    lines.forEach(function (line) {
      var controls = el("div", { "class": "line-practice" }, [
        el("span", { "class": "prompt", text: "Your line: say it aloud, then reveal it." }),
        el("button", { type: "button", "class": "reveal primary" }, ["Reveal your line ", el("kbd", { text: "Space" })]),
        el("button", { type: "button", "data-mark": "nailed", "aria-pressed": "false", hidden: "", text: "Nailed it" }),
        el("button", { type: "button", "data-mark": "work", "aria-pressed": "false", hidden: "", text: "Needs work" })
      ]);
      line.querySelector(".line-body").appendChild(controls);
      controls.querySelector(".reveal").addEventListener("click", function () { reveal(line); });
      controls.querySelectorAll("[data-mark]").forEach(function (b) {
        b.addEventListener("click", function () {
          setMark(line, b.dataset.mark);
          focusNext();
        });
        b.setAttribute("aria-pressed", marks[line.id] === b.dataset.mark ? "true" : "false");
      });
    });

    toggle.addEventListener("click", function () {
      on = !on;
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.querySelector(".practice-label").textContent = on ? "Practising: lines hidden" : "Practice mode";
      dialogue.classList.toggle("practising", on);
      bar.querySelector(".practice-help").hidden = !on;
      if (intro) intro.hidden = on;
      tally.hidden = !on;
      reset.hidden = !on;
      lines.forEach(on ? conceal : function (l) { l.classList.add("revealed"); });
      updateTally();
      markNext();
    });
    reset.addEventListener("click", function () {
      marks = {};
      store.set(key, marks);
      lines.forEach(function (l) {
        conceal(l);
        l.querySelectorAll("[data-mark]").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
      });
      updateTally();
      markNext();
      focusNext();
    });
    document.addEventListener("keydown", function (e) {
      if (!on || e.key !== " " || e.ctrlKey || e.metaKey || e.altKey || isInteractive(e.target)) return;
      var n = nextHidden();
      if (!n) return;
      e.preventDefault();
      n.scrollIntoView({ block: "center" });
      reveal(n);
    });
  }

  /* ---------- Learning paths ---------- */
  var pathKey = function (slug) { return "hindsight-path:" + slug; };
  var progress = document.querySelector(".path-progress");
  if (progress) {
    var slug = progress.dataset.path;
    var steps = Array.prototype.slice.call(document.querySelectorAll(".path-step"));
    var meter = progress.querySelector(".meter span");
    var label = progress.querySelector(".progress-label");
    var start = progress.querySelector(".path-start");
    var render = function () {
      var done = store.get(pathKey(slug), []);
      var count = 0, firstOpen = null;
      steps.forEach(function (s) {
        var isDone = done.indexOf(s.dataset.step) >= 0;
        s.classList.toggle("done", isDone);
        s.querySelector("input").checked = isDone;
        if (isDone) count++;
        else if (!firstOpen) firstOpen = s;
      });
      meter.style.width = (steps.length ? (100 * count / steps.length) : 0) + "%";
      label.textContent = count + " of " + steps.length + " steps done";
      if (start) {
        var target = (firstOpen || steps[0]).querySelector(".step-link");
        start.setAttribute("href", target.getAttribute("href"));
        start.textContent = count === 0 ? "Start the path" : (firstOpen ? "Continue: " + target.textContent : "Path complete: start again");
      }
    };
    steps.forEach(function (s) {
      var box = s.querySelector("input");
      box.disabled = false;
      box.addEventListener("change", function () {
        var done = store.get(pathKey(slug), []).filter(function (u) { return u !== s.dataset.step; });
        if (box.checked) done.push(s.dataset.step);
        store.set(pathKey(slug), done);
        render();
      });
    });
    render();
  }
  var activePath = new URLSearchParams(location.search).get("path");
  if (activePath) {
    document.querySelectorAll(".path-nav").forEach(function (nav) {
      if (nav.dataset.pathNav !== activePath) return;
      nav.hidden = false;
      /* On a path, the path's next step is the way on: the section's previous/next
         would compete with it. */
      document.querySelectorAll(".page-neighbours").forEach(function (n) { n.hidden = true; });
      var button = nav.querySelector(".path-mark-done");
      var step = nav.dataset.step;
      var sync = function () {
        var isDone = store.get(pathKey(activePath), []).indexOf(step) >= 0;
        button.setAttribute("aria-pressed", isDone ? "true" : "false");
        button.textContent = isDone ? "Step done ✓" : "Mark step done";
      };
      button.addEventListener("click", function () {
        var done = store.get(pathKey(activePath), []).filter(function (u) { return u !== step; });
        if (button.getAttribute("aria-pressed") !== "true") done.push(step);
        store.set(pathKey(activePath), done);
        sync();
      });
      sync();
    });
  }

  /* ---------- Flashcards and quiz ---------- */
  var trainer = document.querySelector("[data-trainer]");
  if (!trainer) return;
  var cards = window.HINDSIGHT_CARDS || [];
  var root = trainer.dataset.root || "";
  var app = trainer.querySelector(".trainer-app");
  trainer.querySelector(".trainer-fallback").hidden = true;
  app.hidden = false;
  var link = function (card, text) {
    var a = el("a", { href: root + card.u, text: text || card.t });
    if (location.protocol === "file:") a.setAttribute("href", root + card.u + "index.html");
    return a;
  };

  if (trainer.dataset.trainer === "flashcards") {
    var DAY = 86400000;
    var INTERVAL = [0, 0, 1, 3, 7, 14]; // days before a card in box N is due again
    var LEITNER = "hindsight-leitner";
    var boxes = store.get(LEITNER, {});
    var today = function () { return Math.floor(Date.now() / DAY); };
    var q = function (s) { return trainer.querySelector(s); };
    var tagSelect = q(".fc-tag"), card = q(".flashcard"), front = q(".card-front"), back = q(".card-back");
    var answer = q(".card-answer"), more = q(".card-link"), side = q(".card-side"), doneBox = q(".card-done");
    var revealBtn = q(".fc-reveal"), knewBtn = q(".fc-knew"), missedBtn = q(".fc-missed"), progressText = q(".card-progress");
    var queue = [], current = null, reviewed = 0, shuffled = false;
    var mode = function () { return q('input[name="fc-mode"]:checked').value; };
    var boxOf = function (c) { return (boxes[c.s] && boxes[c.s].b) || 1; };
    var inDeck = function () {
      var tag = tagSelect.value;
      return cards.filter(function (c) { return !tag || c.g.indexOf(tag) >= 0; });
    };
    var countBoxes = function () {
      var counts = [0, 0, 0, 0, 0, 0];
      inDeck().forEach(function (c) { counts[boxOf(c)]++; });
      trainer.querySelectorAll(".leitner li").forEach(function (li) {
        var b = +li.dataset.box;
        li.querySelector(".box-count").textContent = counts[b];
        li.classList.toggle("current", !!current && boxOf(current) === b);
      });
    };
    var build = function (all) {
      var now = today();
      queue = inDeck().filter(function (c) { return all || !boxes[c.s] || boxes[c.s].d <= now; });
      if (shuffled) shuffle(queue);
      else queue.sort(function (a, b) { return boxOf(a) - boxOf(b); });
      reviewed = 0;
      next();
    };
    var show = function (revealed) {
      back.hidden = !revealed;
      revealBtn.hidden = revealed || !current;
      knewBtn.hidden = missedBtn.hidden = !revealed;
    };
    var next = function () {
      current = queue.shift() || null;
      doneBox.hidden = !!current;
      front.hidden = !current;
      side.hidden = !current;
      if (!current) {
        var upcoming = inDeck().map(function (c) { return boxes[c.s] ? boxes[c.s].d : 0; }).filter(function (d) { return d > today(); });
        var soonest = upcoming.length ? Math.min.apply(null, upcoming) - today() : 0;
        q(".card-done-text").textContent = inDeck().length === 0 ? "No cards match this tag." :
          "All caught up." + (soonest ? " The next card is due in " + soonest + (soonest === 1 ? " day." : " days.") : "");
        show(false);
        progressText.textContent = reviewed ? reviewed + " reviewed this session" : "";
        countBoxes();
        return;
      }
      var termFirst = mode() === "term";
      card.classList.toggle("definition-first", !termFirst);
      side.textContent = termFirst ? "Term" : "Definition";
      front.textContent = termFirst ? current.t : current.d;
      answer.textContent = termFirst ? current.d : current.t;
      more.setAttribute("href", link(current).getAttribute("href"));
      more.textContent = "Read the entry: " + current.t;
      show(false);
      progressText.textContent = (queue.length + 1) + " due · " + reviewed + " reviewed this session · box " + boxOf(current);
      countBoxes();
    };
    var grade = function (knew) {
      if (!current) return;
      var box = knew ? Math.min(5, boxOf(current) + 1) : 1;
      boxes[current.s] = { b: box, d: today() + INTERVAL[box] };
      store.set(LEITNER, boxes);
      if (!knew) queue.push(current); // box 1 comes back within the session
      reviewed++;
      next();
      revealBtn.focus({ preventScroll: true });
    };
    revealBtn.addEventListener("click", function () { show(true); knewBtn.focus({ preventScroll: true }); });
    knewBtn.addEventListener("click", function () { grade(true); });
    missedBtn.addEventListener("click", function () { grade(false); });
    q(".fc-shuffle").addEventListener("click", function () { shuffled = true; build(false); });
    q(".fc-review-all").addEventListener("click", function () { build(true); });
    tagSelect.addEventListener("change", function () { build(false); });
    trainer.querySelectorAll('input[name="fc-mode"]').forEach(function (r) { r.addEventListener("change", function () { if (current) queue.unshift(current); next(); }); });
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === " " && !revealBtn.hidden && !isInteractive(e.target)) { e.preventDefault(); revealBtn.click(); }
      else if (e.key === "1" && !knewBtn.hidden) { e.preventDefault(); grade(true); }
      else if (e.key === "2" && !missedBtn.hidden) { e.preventDefault(); grade(false); }
    });
    build(false);
  }

  if (trainer.dataset.trainer === "quiz") {
    var qq = function (s) { return trainer.querySelector(s); };
    var setup = qq(".quiz-setup"), question = qq(".quiz-question"), result = qq(".quiz-result");
    var options = qq(".quiz-options"), feedback = qq(".quiz-feedback"), nextBtn = qq(".quiz-next");
    var questions = [], at = 0, score = 0, mistakes = [], answered = false;
    var escapeRe = function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); };
    /* A definition must not give its own term away. */
    var masked = function (c) {
      return [c.t].concat(c.a || []).sort(function (x, y) { return y.length - x.length; }).reduce(function (d, name) {
        return d.replace(new RegExp(escapeRe(name), "gi"), "▁▁▁");
      }, c.d);
    };
    var distractors = function (c, pool) {
      var self = cards.indexOf(c);
      var picked = [];
      var add = function (i) {
        if (picked.length < 3 && i !== self && picked.indexOf(i) < 0 && cards[i]) picked.push(i);
      };
      shuffle(c.p.slice()).forEach(add);
      shuffle(pool.map(function (p) { return cards.indexOf(p); }).filter(function (i) {
        return cards[i].g.some(function (g) { return c.g.indexOf(g) >= 0; });
      })).forEach(add);
      shuffle(cards.map(function (_, i) { return i; })).forEach(add);
      return picked.map(function (i) { return cards[i]; });
    };
    var ask = function () {
      var item = questions[at];
      answered = false;
      qq(".quiz-count").textContent = "Question " + (at + 1) + " of " + questions.length + " · score " + score;
      qq(".quiz-definition").textContent = masked(item.card);
      options.textContent = "";
      item.options.forEach(function (c, i) {
        var b = el("button", { type: "button" }, [el("span", { "class": "key", "aria-hidden": "true", text: String(i + 1) }), c.t]);
        b.addEventListener("click", function () { choose(c, b); });
        options.appendChild(b);
      });
      feedback.textContent = "";
      feedback.className = "quiz-feedback";
      nextBtn.hidden = true;
      options.querySelector("button").focus({ preventScroll: true });
    };
    var choose = function (c, button) {
      if (answered) return;
      answered = true;
      var item = questions[at];
      var right = c === item.card;
      if (right) score++;
      else mistakes.push({ card: item.card, chosen: c });
      qq(".quiz-count").textContent = "Question " + (at + 1) + " of " + questions.length + " · score " + score;
      options.querySelectorAll("button").forEach(function (b, i) {
        b.disabled = true;
        if (item.options[i] === item.card) b.classList.add("correct");
      });
      if (!right) button.classList.add("wrong");
      feedback.className = "quiz-feedback " + (right ? "correct" : "wrong");
      feedback.textContent = right ? "Correct." : "Not quite: the answer is " + item.card.t + ".";
      nextBtn.hidden = false;
      nextBtn.textContent = at + 1 < questions.length ? "Next question" : "See your score";
      nextBtn.focus({ preventScroll: true });
    };
    var finish = function () {
      question.hidden = true;
      result.hidden = false;
      var heading = qq(".quiz-score");
      heading.textContent = "You scored " + score + " of " + questions.length;
      var box = qq(".quiz-mistakes");
      box.textContent = "";
      if (mistakes.length) {
        box.appendChild(el("h3", { text: "Review your mistakes" }));
        var ul = el("ul");
        mistakes.forEach(function (m) {
          ul.appendChild(el("li", {}, [
            link(m.card),
            el("p", { text: m.card.d }),
            el("p", {}, ["You answered ", link(m.chosen), ": " + m.chosen.d])
          ]));
        });
        box.appendChild(ul);
      } else {
        box.appendChild(el("p", { text: "No mistakes. Try a longer round or another tag." }));
      }
      heading.focus();
    };
    setup.addEventListener("submit", function (e) {
      e.preventDefault();
      var tag = qq(".quiz-tag").value;
      var pool = cards.filter(function (c) { return !tag || c.g.indexOf(tag) >= 0; });
      if (cards.length < 4 || pool.length === 0) {
        feedback.textContent = "";
        setup.appendChild(el("p", { "class": "muted", text: "The quiz needs at least four glossary terms." }));
        return;
      }
      var n = +qq(".quiz-length").value || pool.length;
      questions = shuffle(pool.slice()).slice(0, n).map(function (c) {
        return { card: c, options: shuffle([c].concat(distractors(c, pool))) };
      });
      at = 0; score = 0; mistakes = [];
      setup.hidden = true;
      result.hidden = true;
      question.hidden = false;
      ask();
    });
    nextBtn.addEventListener("click", function () {
      at++;
      if (at < questions.length) ask();
      else finish();
    });
    qq(".quiz-again").addEventListener("click", function () {
      result.hidden = true;
      setup.hidden = false;
      qq(".quiz-start").focus();
    });
    document.addEventListener("keydown", function (e) {
      if (question.hidden || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (!answered && /^[1-4]$/.test(e.key)) {
        var b = options.querySelectorAll("button")[+e.key - 1];
        if (b) b.click();
      } else if (answered && e.key === "Enter" && !isInteractive(e.target)) {
        nextBtn.click();
      }
    });
  }
})();
