/* Feishu simulator — a stand-in for Feishu's H5 JSSDK, not the real one.
 *
 * Like the real script it defines window.h5sdk and window.tt only inside the
 * Feishu client (a user agent with Lark/ or Feishu/). tt.requestAccess and
 * tt.requestAuthCode ask the simulator that served this script for a code and
 * answer through success({code[, state]}) or fail({errno, errString}), then
 * complete(...), as the standard object output does. */
(function () {
  "use strict";
  var KNOBS = __KNOBS__;
  var here = document.currentScript && document.currentScript.src;
  var base = here ? new URL(here).origin : KNOBS.base;
  var inClient = /(lark|feishu)\//i.test(navigator.userAgent);
  if (KNOBS.unavailable || !inClient) {
    return;
  }

  function call(fn, arg) {
    if (typeof fn === "function") {
      try { fn(arg); } catch (e) { setTimeout(function () { throw e; }, 0); }
    }
  }

  function ask(api, options, fields) {
    options = options || {};
    var body = { api: api };
    for (var key in fields) {
      if (fields[key] !== undefined) body[key] = fields[key];
    }
    fetch(base + "/_sim/jssdk/code", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok, answer: answer };
        });
      })
      .then(
        function (result) {
          call(result.ok ? options.success : options.fail, result.answer);
          call(options.complete, result.answer);
        },
        function (error) {
          var failure = { errno: -1, errString: "the simulator could not be reached: " + error };
          call(options.fail, failure);
          call(options.complete, failure);
        }
      );
  }

  window.h5sdk = {
    /* Ready at once: the stand-in needs no handshake with a native client. */
    ready: function (callback) {
      setTimeout(function () { call(callback); }, 0);
    },
    /* Never called: the errors it reports come from h5sdk.config, which the
     * stand-in does not have (requestAccess and requestAuthCode need no config). */
    error: function () {},
  };
  window.tt = {
    requestAuthCode: function (options) {
      ask("requestAuthCode", options, { app_id: options && options.appId });
    },
  };
  if (!KNOBS.oldClient) {
    window.tt.requestAccess = function (options) {
      ask("requestAccess", options, {
        app_id: options && options.appID,
        state: options && options.state,
        scope_list: options && options.scopeList,
      });
    };
  }
})();
