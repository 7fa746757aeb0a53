// Signs the person in through the Feishu client's JSSDK (see jssdk_page.rs).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("jssdk-config").textContent);
  var texts = config.texts;
  var statusLine = document.getElementById("jssdk-status");
  var problem = document.getElementById("jssdk-problem");
  var retry = document.getElementById("jssdk-retry");
  var started = false;
  var over = false;

  retry.addEventListener("click", function () {
    location.replace(config.retry);
  });

  // Shows what went wrong, with "Try again" and the browser way.
  function fail(message) {
    if (over) return;
    over = true;
    statusLine.textContent = "";
    document.getElementById("jssdk-message").textContent = message;
    problem.hidden = false;
    retry.focus();
  }

  function browserWay() {
    over = true;
    location.replace(config.browser);
  }

  function clientFailed(error) {
    if (error && error.errno === 2700002) return fail(texts.refused);
    var detail = error && error.errno !== undefined ? "errno " + error.errno : "?";
    if (error && error.errString) detail += ": " + error.errString;
    fail(texts.clientFailed.replace("{detail}", detail));
  }

  // `api` names the call that gave the code: the server trades each kind where Feishu
  // documents it (requestAccess at v2, requestAuthCode at v1 with an app token).
  function exchange(api, answer) {
    if (!answer || !answer.code) return fail(texts.failed);
    statusLine.textContent = texts.checking;
    fetch(config.endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ code: answer.code, state: config.state, api: api }),
    }).then(
      function (response) {
        return response.json().then(
          function (body) {
            if (body && body.ok && typeof body.next === "string") {
              over = true;
              location.replace(body.next);
            } else {
              // Our own refusal, or another layer's JSON error ({error: {message}}).
              fail((body && (body.message || (body.error && body.error.message))) || texts.failed);
            }
          },
          function () { fail(texts.failed); }
        );
      },
      function () { fail(texts.unreachable); }
    );
  }

  // requestAuthCode: clients older than 6.9, which have no requestAccess (or answer 103).
  function requestAuthCode() {
    if (typeof window.tt.requestAuthCode !== "function") return fail(texts.failed);
    window.tt.requestAuthCode({
      appId: config.appId,
      success: function (answer) { exchange("requestAuthCode", answer); },
      fail: clientFailed,
    });
  }

  function requestCode() {
    if (typeof window.tt.requestAccess !== "function") return requestAuthCode();
    window.tt.requestAccess({
      appID: config.appId,
      scopeList: config.scopeList || [],
      state: config.state,
      success: function (answer) { exchange("requestAccess", answer); },
      fail: function (error) {
        if (error && error.errno === 103) requestAuthCode();
        else clientFailed(error);
      },
    });
  }

  // Once the script loaded, failed or took too long.
  function start() {
    if (started) return;
    started = true;
    if (!(window.h5sdk && window.tt)) return browserWay();
    var ready = false;
    var waiting = setTimeout(function () {
      if (!ready) fail(texts.noAnswer);
    }, config.readyMillis);
    function settle() {
      if (ready || over) return false;
      ready = true;
      clearTimeout(waiting);
      return true;
    }
    if (typeof window.h5sdk.error === "function") {
      window.h5sdk.error(function (error) {
        if (settle()) clientFailed(error);
      });
    }
    window.h5sdk.ready(function () {
      if (settle()) requestCode();
    });
  }

  var sdk = document.createElement("script");
  sdk.src = config.sdk;
  sdk.onload = start;
  sdk.onerror = start;
  setTimeout(start, config.loadMillis);
  document.head.appendChild(sdk);
})();
