/* twitchcheck tremor page: record the motion sensor through three guided tasks, send the samples
   to the API, show the result and offer it to a check. Served as a file (the site's CSP allows no
   inline script). Times come from performance.now(), in step with each devicemotion event. */
(function () {
  "use strict";
  var TASKS = [
    { id: "rest", title: "Task 1 of 3: hands resting in the lap",
      text: "Sit down and let the hand holding the phone rest in your lap, screen up. Relax and keep still." },
    { id: "postural", title: "Task 2 of 3: arms held out",
      text: "Hold both arms straight out in front of you, the phone flat in your hand. Keep them there." },
    { id: "kinetic", title: "Task 3 of 3: finger to nose",
      text: "Holding the phone, touch your nose with your index finger, then stretch the arm out again. Repeat slowly." }
  ];
  var SECONDS = 20, GET_READY = 3, NO_DATA_AFTER = 2.5;
  var recorder = document.getElementById("recorder");
  if (!recorder) { return; }
  var note = document.getElementById("sensor-note");
  var panel = document.getElementById("task-panel");
  var title = document.getElementById("task-title");
  var instructions = document.getElementById("task-instructions");
  var progress = document.getElementById("task-progress");
  var status = document.getElementById("task-status");
  var startButton = document.getElementById("start-button");
  var skipButton = document.getElementById("skip-button");
  var recordings = [], current = 0, permitted = false, running = false;

  function say(text, isError) {
    note.textContent = text;
    note.className = isError ? "notice notice-error" : "notice";
    note.hidden = false;
  }

  if (!window.isSecureContext) {
    say("This page is not on a secure connection, so the browser keeps the motion sensor from it. " +
        "Open twitchcheck at an https:// address (or http://localhost on the phone), or upload a recording below.", true);
    return;
  }
  if (typeof window.DeviceMotionEvent === "undefined") {
    say("This browser does not give web pages the motion sensor. Upload a recording below instead.", true);
    return;
  }
  note.hidden = true;
  panel.hidden = false;
  showTask();

  function showTask() {
    var task = TASKS[current];
    title.textContent = task.title;
    instructions.textContent = task.text;
    progress.value = 0;
    status.textContent = "Press Start when you are in position. Recording begins " + GET_READY + " seconds later.";
    startButton.disabled = false;
    skipButton.disabled = false;
    startButton.textContent = "Start recording";
  }

  function askPermission() {
    // iOS 13+ asks the person first, and only from a tap; other browsers have no such function.
    if (permitted || typeof window.DeviceMotionEvent.requestPermission !== "function") {
      permitted = true;
      return Promise.resolve(true);
    }
    return window.DeviceMotionEvent.requestPermission().then(function (answer) {
      permitted = answer === "granted";
      return permitted;
    }, function () { return false; });
  }

  startButton.addEventListener("click", function () {
    if (running) { return; }
    askPermission().then(function (ok) {
      if (!ok) {
        say("Motion sensor access was not allowed. Allow it when asked (on an iPhone: reload, then tap Allow), " +
            "or upload a recording below.", true);
        return;
      }
      record(TASKS[current]);
    });
  });

  skipButton.addEventListener("click", function () {
    if (running) { return; }
    next();
  });

  function next() {
    current += 1;
    if (current < TASKS.length) {
      showTask();
      title.focus();
    } else {
      finish();
    }
  }

  function record(task) {
    var samples = { task: task.id, t: [], x: [], y: [], z: [] };
    var start = null, timer = null, getReady = performance.now();
    running = true;
    startButton.disabled = true;
    skipButton.disabled = true;

    function onMotion(event) {
      if (start === null) { return; }
      var a = event.accelerationIncludingGravity;
      if (!a || a.x === null) { a = event.acceleration; }
      if (!a || a.x === null || a.y === null || a.z === null) { return; }
      samples.t.push((performance.now() - start) / 1000);
      samples.x.push(a.x); samples.y.push(a.y); samples.z.push(a.z);
    }

    function stop(message) {
      window.removeEventListener("devicemotion", onMotion);
      window.clearInterval(timer);
      running = false;
      if (message) {
        status.textContent = message;
        startButton.disabled = false;
        skipButton.disabled = false;
        startButton.textContent = "Try again";
        return;
      }
      recordings.push(samples);
      status.textContent = "Recorded " + samples.t.length + " samples.";
      next();
    }

    window.addEventListener("devicemotion", onMotion);
    status.textContent = "Get ready…";
    timer = window.setInterval(function () {
      var now = performance.now();
      if (start === null) {
        if ((now - getReady) / 1000 >= GET_READY) {
          start = now;
          status.textContent = "Recording… keep going for " + SECONDS + " seconds.";
        }
        return;
      }
      var elapsed = (now - start) / 1000;
      progress.value = Math.min(elapsed, SECONDS);
      if (elapsed >= NO_DATA_AFTER && samples.t.length === 0) {
        stop("No motion data arrived: this device or browser does not share its motion sensor. Upload a recording below instead.");
        return;
      }
      if (elapsed >= SECONDS) { stop(null); return; }
      var left = Math.ceil(SECONDS - elapsed);
      if (left % 5 === 0) { status.textContent = "Recording… " + left + " seconds left."; }
    }, 100);
  }

  function finish() {
    panel.hidden = true;
    if (!recordings.length) {
      say("All tasks were skipped, so there is nothing to measure.", false);
      return;
    }
    say("Measuring…", false);
    send("/api/v1/tremor/session", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ recorded_at: new Date().toISOString(), recordings: recordings })
    });
  }

  function send(url, options) {
    fetch(url, options).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) {
        var error = answer.body && answer.body.error ? answer.body.error : { message: "the measurement failed" };
        var which = error.details && error.details.task ? " (" + taskName(error.details.task) + ")" : "";
        say("This recording cannot be measured" + which + ": " + error.message + ".", true);
        return;
      }
      note.hidden = true;
      showResult(answer.body);
    }).catch(function () {
      say("The measurement could not be sent. Check the connection and try again.", true);
    });
  }

  function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

  // As the server words it (tremor.evidence.size_words): "0.4 mm", "1.5 cm".
  function sizeWords(cm) {
    if (cm >= 1) { return cm.toFixed(1) + " cm"; }
    var mm = cm * 10;
    return (mm < 0.1 ? mm.toFixed(2) : mm.toFixed(1)) + " mm";
  }

  function taskName(id) {
    var names = { rest: "hands resting in the lap", postural: "arms held out", kinetic: "finger to nose" };
    return names[id] || "recording";
  }

  // The upload form: with JavaScript, measure in place (and draw the spectrum); without, the server answers.
  var upload = document.getElementById("upload-form");
  if (upload && window.FormData && window.fetch) {
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(upload);
      say("Measuring…", false);
      send("/api/v1/tremor", { method: "POST", headers: { "Accept": "application/json" }, body: data });
    });
  }

  function cell(row, text, header) {
    var el = document.createElement(header ? "th" : "td");
    if (header) { el.scope = "row"; }
    el.textContent = text;
    row.appendChild(el);
  }

  function showResult(result) {
    var section = document.getElementById("result");
    var measurements = result.measurements || [result];
    document.getElementById("result-summary").textContent = result.summary;
    var body = document.querySelector("#result-table tbody");
    body.textContent = "";
    measurements.forEach(function (m) {
      var row = document.createElement("tr");
      var name = m.task ? taskName(m.task) : "recording";
      cell(row, capital(name), true);
      if (m.frequency_hz === null) {
        cell(row, m.verdict === "physiological" ? "none (only the normal tiny rhythm)" : "none");
        cell(row, "–");
      } else {
        var steadiness = m.steady === null ? "" : m.steady ? ", steady" : ", varying";
        cell(row, m.frequency_hz.toFixed(1) + " Hz" + steadiness);
        cell(row, "about " + sizeWords(m.displacement_cm) + " (" + m.amplitude_m_s2.toFixed(2) + " m/s² RMS)");
      }
      body.appendChild(row);
    });
    // Each recording's noise floor (its first note) by task, then the other notes once each.
    var notes = document.getElementById("result-notes");
    notes.textContent = "";
    var seen = {};
    function addNote(text) {
      if (seen[text]) { return; }
      seen[text] = true;
      var li = document.createElement("li");
      li.textContent = text;
      notes.appendChild(li);
    }
    measurements.forEach(function (m) {
      var prefix = measurements.length > 1 ? capital(taskName(m.task)) + ": " : "";
      if (m.notes.length) { addNote(prefix + m.notes[0]); }
    });
    measurements.forEach(function (m) { m.notes.slice(1).forEach(addNote); });
    document.getElementById("evidence-field").value = JSON.stringify(result.evidence);
    var saveField = document.getElementById("measurements-field");
    if (saveField) { saveField.value = JSON.stringify(measurements); }
    drawChart(measurements);
    section.hidden = false;
    var heading = document.getElementById("result-h");
    heading.focus();
  }

  function drawChart(measurements) {
    var figure = document.getElementById("result-chart");
    var old = figure.querySelector("svg");
    if (old) { figure.removeChild(old); }
    var best = null;
    measurements.forEach(function (m) {
      if (m.spectrum && (!best || (m.rhythm && (!best.rhythm || m.rhythm.amplitude_m_s2 > best.rhythm.amplitude_m_s2)))) { best = m; }
    });
    if (!best) { figure.hidden = true; return; }
    var s = best.spectrum, W = 320, H = 160, pad = 28;
    var all = s.power.concat(s.noise_floor).filter(function (v) { return v > 0; });
    var lo = Math.log10(Math.min.apply(null, all)), hi = Math.log10(Math.max.apply(null, all));
    if (hi - lo < 1) { hi = lo + 1; }
    var f0 = s.frequency_hz[0], f1 = s.frequency_hz[s.frequency_hz.length - 1];
    function px(f) { return pad + (f - f0) / (f1 - f0) * (W - pad - 6); }
    function py(v) { return H - pad - (Math.log10(Math.max(v, Math.pow(10, lo))) - lo) / (hi - lo) * (H - pad - 6); }
    function line(values, cls) {
      var el = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      el.setAttribute("points", values.map(function (v, i) { return px(s.frequency_hz[i]).toFixed(1) + "," + py(v).toFixed(1); }).join(" "));
      el.setAttribute("class", cls);
      return el;
    }
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("role", "img");
    var label = best.rhythm ? "Peak at " + best.rhythm.frequency_hz.toFixed(1) + " Hz" : "No peak above the noise floor";
    svg.setAttribute("aria-label", "Power spectrum, 2 to 16 Hz. " + label + ".");
    [4, 6, 8, 12].forEach(function (f) {
      var tick = document.createElementNS("http://www.w3.org/2000/svg", "text");
      tick.setAttribute("x", px(f).toFixed(1));
      tick.setAttribute("y", String(H - 10));
      tick.setAttribute("class", "chart-tick");
      tick.textContent = f + " Hz";
      svg.appendChild(tick);
    });
    svg.appendChild(line(s.noise_floor, "chart-floor"));
    svg.appendChild(line(s.power, "chart-power"));
    figure.insertBefore(svg, figure.firstChild);
    figure.hidden = false;
  }
})();
