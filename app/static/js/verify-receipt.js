// Checks a Gongzhi receipt (DESIGN §4) in the browser: SHA-256 and Ed25519 by WebCrypto, no server call.
(function () {
  "use strict";
  var root = document.getElementById("verify");
  var button = document.getElementById("verify-button");
  var out = document.getElementById("verify-result");
  if (!root || !button || !out || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    return;
  }
  var FIELDS = {
    ballot: ["v", "type", "session", "seq", "cast_at", "voter", "weights", "choices", "supersedes", "prev"],
    seal: ["v", "type", "session", "seq", "closes_at", "sealed_at", "head", "count", "prev"]
  };
  var encoder = new TextEncoder();

  // json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False) for integers, strings, lists, objects.
  function canonical(value) {
    if (value === null || typeof value !== "object") {
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) {
      return "[" + value.map(canonical).join(",") + "]";
    }
    return "{" + Object.keys(value).sort().map(function (key) {
      return JSON.stringify(key) + ":" + canonical(value[key]);
    }).join(",") + "}";
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function unb64url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) {
      b64 += "=";
    }
    var binary = atob(b64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function sha256(bytes) {
    return window.crypto.subtle.digest("SHA-256", bytes).then(hex);
  }

  function show(kind, message) {
    out.textContent = message;
    out.className = "verify-result verify-" + kind;
  }

  function bad(reasonKey) {
    show("bad", root.dataset.bad.replace("{reason}", root.dataset[reasonKey]));
  }

  function check() {
    var receipt = JSON.parse(root.dataset.receipt);
    var keys = JSON.parse(root.dataset.keys).keys;
    var fields = FIELDS[receipt.type] || FIELDS.ballot;
    var entry = {};
    fields.forEach(function (field) {
      entry[field] = receipt[field];
    });
    var signedAt = receipt.type === "seal" ? receipt.sealed_at : receipt.cast_at;
    var key = keys.filter(function (k) {
      return k.key_id === receipt.key_id && k.not_before <= signedAt && (k.not_after === null || signedAt <= k.not_after);
    })[0];
    return sha256(encoder.encode(canonical(entry))).then(function (digest) {
      if (digest !== receipt.hash) {
        return bad("reasonHash");
      }
      if (!key) {
        return bad("reasonKey");
      }
      var raw = unb64url(key.public_key);
      return sha256(raw).then(function (keyDigest) {
        if (keyDigest.slice(0, 16) !== key.key_id) {
          return bad("reasonKey");
        }
        return window.crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]).then(function (publicKey) {
          var signed = Object.assign({}, entry, { hash: receipt.hash, key_id: receipt.key_id });
          return window.crypto.subtle.verify({ name: "Ed25519" }, publicKey, unb64url(receipt.sig), encoder.encode(canonical(signed)));
        }, function () {
          show("unsupported", root.dataset.unsupported);
          return null;
        }).then(function (valid) {
          if (valid === true) {
            show("ok", root.dataset.ok.replace("{key}", key.key_id));
          } else if (valid === false) {
            bad("reasonSig");
          }
        });
      });
    }).catch(function () {
      bad("reasonSig");
    });
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    show("pending", "…");
    check();
  });
}());
