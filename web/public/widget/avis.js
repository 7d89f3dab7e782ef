/*
 * Plume — formulaire « Je donne mon avis » à intégrer dans un site public.
 *
 *   <script src="https://plume.example/widget/avis.js" data-service="mairie-x"
 *           data-procedure="Demande de carte d'identité" defer></script>
 *
 * Attributes: data-service (required: a service that accepts feedback), data-procedure
 * (optional démarche label), data-target (optional CSS selector of the container; default: right
 * after the script tag), data-title (optional heading text).
 * The form is rendered in an open shadow root (the host site's CSS cannot break it), posts JSON
 * to /api/v1/feedback on the script's own origin without cookies (credentials: "omit"), and shows
 * the server's French answer. No dependency, no tracking, no cookie, no storage.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src) return;
  var service = (script.getAttribute("data-service") || "").trim();
  var procedure = (script.getAttribute("data-procedure") || "").trim();
  var title = (script.getAttribute("data-title") || "").trim() || "Je donne mon avis";
  var endpoint = new URL("/api/v1/feedback", script.src).href;
  var MAX_TEXT = 4000; // characters (the server also bounds the bytes)

  var RATINGS = [
    [1, "Très mécontent"],
    [2, "Mécontent"],
    [3, "Moyen"],
    [4, "Satisfait"],
    [5, "Très satisfait"],
  ];
  var EASE = [
    [1, "Très difficile"],
    [2, "Difficile"],
    [3, "Moyenne"],
    [4, "Facile"],
    [5, "Très facile"],
  ];

  var CSS = [
    ":host{display:block}",
    ".pa{font-family:Marianne,arial,sans-serif;color:#161616;background:#fff;max-width:40rem;",
    "border:1px solid #ddd;padding:1.5rem;font-size:1rem;line-height:1.5rem;box-sizing:border-box}",
    ".pa *{box-sizing:border-box}",
    ".pa h2{font-size:1.375rem;line-height:1.75rem;font-weight:700;margin:0 0 .5rem}",
    ".pa p{margin:0 0 1rem}",
    ".pa .hint{display:block;color:#666;font-size:.875rem;line-height:1.5rem;font-weight:400}",
    ".pa fieldset{border:0;margin:0 0 1.5rem;padding:0;min-width:0}",
    ".pa legend{font-weight:700;padding:0;margin:0 0 .5rem}",
    ".pa .choices{display:flex;flex-wrap:wrap;gap:.5rem 1rem}",
    ".pa .choice{display:flex;align-items:center;gap:.375rem}",
    ".pa input[type=radio]{width:1.25rem;height:1.25rem;margin:0;accent-color:#000091}",
    ".pa .field{margin:0 0 1.5rem}",
    ".pa label.lbl{display:block;font-weight:400;margin:0 0 .5rem}",
    ".pa input[type=text],.pa input[type=email],.pa textarea{display:block;width:100%;",
    "font:inherit;color:#161616;background:#eee;border:0;border-radius:.25rem .25rem 0 0;",
    "box-shadow:inset 0 -2px 0 0 #3a3a3a;padding:.5rem 1rem}",
    ".pa textarea{min-height:8rem;resize:vertical}",
    ".pa :focus-visible{outline:2px solid #0a76f6;outline-offset:2px}",
    ".pa [aria-invalid=true]{box-shadow:inset 0 -2px 0 0 #ce0500}",
    ".pa .group-error{border-left:2px solid #ce0500;padding-left:.75rem}",
    ".pa .error{color:#ce0500;font-size:.875rem;margin:.5rem 0 0}",
    ".pa button{font:inherit;font-weight:500;background:#000091;color:#f5f5fe;border:0;",
    "padding:.5rem 1.5rem;min-height:2.5rem;cursor:pointer}",
    ".pa button:hover{background:#1212ff}",
    ".pa button[disabled]{background:#e5e5e5;color:#929292;cursor:wait}",
    ".pa .alert{border-left:4px solid;padding:.75rem 1rem;margin:1rem 0 0}",
    ".pa .alert:empty{display:none}",
    ".pa .alert p{margin:0}",
    ".pa .alert.err{border-color:#ce0500;background:#ffe9e9}",
    ".pa .alert.ok{border-color:#18753c;background:#b8fec9}",
    ".pa .hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}",
    ".pa .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
  ].join("");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      node.appendChild(c);
    });
    return node;
  }

  function radioGroup(name, legendText, hintText, options, required) {
    var legend = el("legend", { id: name + "-legend" }, [
      document.createTextNode(legendText),
      el("span", { class: "hint", text: hintText }),
    ]);
    var choices = el("div", { class: "choices" });
    options.forEach(function (o) {
      var id = name + "-" + o[0];
      var input = el("input", { type: "radio", name: name, id: id, value: String(o[0]) });
      if (required) input.setAttribute("aria-required", "true");
      choices.appendChild(
        el("div", { class: "choice" }, [
          input,
          el("label", { for: id, text: o[0] + " – " + o[1] }),
        ]),
      );
    });
    var error = el("p", { class: "error", id: name + "-error", hidden: "" });
    var fs = el("fieldset", { "aria-describedby": name + "-error" }, [legend, choices, error]);
    return { fieldset: fs, error: error, name: name };
  }

  function field(id, labelText, hintText, control) {
    var describedby = [];
    var label = el("label", { class: "lbl", for: id }, [document.createTextNode(labelText)]);
    if (hintText) {
      label.appendChild(el("span", { class: "hint", id: id + "-hint", text: hintText }));
      describedby.push(id + "-hint");
    }
    var error = el("p", { class: "error", id: id + "-error", hidden: "" });
    describedby.push(id + "-error");
    control.setAttribute("id", id);
    control.setAttribute("aria-describedby", describedby.join(" "));
    return { wrapper: el("div", { class: "field" }, [label, control, error]), error: error };
  }

  function render(container) {
    var host = el("div", { class: "plume-avis" });
    container.appendChild(host);
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    root.appendChild(el("style", { text: CSS }));
    var panel = el("section", { class: "pa", "aria-labelledby": "pa-title" });
    root.appendChild(panel);

    if (!service) {
      panel.appendChild(
        el("p", {
          class: "alert err",
          role: "alert",
          text: "Formulaire d'avis mal configuré : attribut data-service manquant.",
        }),
      );
      return;
    }

    var heading = el("h2", { id: "pa-title", tabindex: "-1", text: title });
    panel.appendChild(heading);
    if (procedure) panel.appendChild(el("p", { text: "Démarche : " + procedure }));
    panel.appendChild(
      el("p", {
        class: "hint",
        text: "Les champs marqués « obligatoire » doivent être remplis. N'indiquez pas d'informations personnelles (numéro de dossier, santé…) dans votre avis.",
      }),
    );

    var form = el("form", { novalidate: "", "aria-labelledby": "pa-title" });
    var rating = radioGroup(
      "rating",
      "Quelle note donnez-vous à cette démarche ? ",
      "Obligatoire — de 1 (très mécontent) à 5 (très satisfait)",
      RATINGS,
      true,
    );
    var ease = radioGroup(
      "ease",
      "La démarche était-elle facile ? ",
      "Facultatif — de 1 (très difficile) à 5 (très facile)",
      EASE,
      false,
    );
    var textarea = el("textarea", {
      name: "text",
      maxlength: String(MAX_TEXT),
      rows: "6",
      "aria-required": "true",
    });
    var text = field(
      "text",
      "Votre avis (obligatoire)",
      "Ce qui vous a aidé, ce qui vous a gêné. " +
        MAX_TEXT.toLocaleString("fr-FR") +
        " caractères au plus.",
      textarea,
    );
    var nameInput = el("input", {
      type: "text",
      name: "name",
      autocomplete: "name",
      maxlength: "200",
    });
    var name = field("name", "Votre nom (facultatif)", "", nameInput);
    var emailInput = el("input", {
      type: "email",
      name: "email",
      autocomplete: "email",
      maxlength: "254",
      spellcheck: "false",
    });
    var email = field(
      "email",
      "Votre adresse électronique (facultatif)",
      "Seulement si vous souhaitez une réponse. Format attendu : nom@domaine.fr",
      emailInput,
    );
    var honeypot = el("div", { class: "hp", "aria-hidden": "true" }, [
      el("label", { for: "website", text: "Ne pas remplir ce champ" }),
      el("input", {
        type: "text",
        id: "website",
        name: "website",
        tabindex: "-1",
        autocomplete: "off",
      }),
    ]);
    var button = el("button", { type: "submit", text: "Envoyer mon avis" });
    var status = el("div", {
      class: "alert",
      role: "status",
      "aria-live": "polite",
      tabindex: "-1",
    });

    [
      rating.fieldset,
      ease.fieldset,
      text.wrapper,
      name.wrapper,
      email.wrapper,
      honeypot,
      button,
    ].forEach(function (n) {
      form.appendChild(n);
    });
    panel.appendChild(form);
    panel.appendChild(status);

    function setError(target, message) {
      var control = target.fieldset || target.wrapper.querySelector("input,textarea");
      target.error.textContent = message;
      target.error.hidden = !message;
      if (target.fieldset) {
        target.fieldset.classList.toggle("group-error", !!message);
      } else if (message) {
        control.setAttribute("aria-invalid", "true");
      } else {
        control.removeAttribute("aria-invalid");
      }
    }

    function showStatus(kind, message) {
      status.className = "alert " + (kind === "ok" ? "ok" : "err");
      status.setAttribute("role", kind === "ok" ? "status" : "alert");
      status.textContent = message;
    }

    function checked(group) {
      var c = form.querySelector('input[name="' + group + '"]:checked');
      return c ? Number(c.value) : 0;
    }

    function validate() {
      var problems = [];
      [rating, ease, text, name, email].forEach(function (t) {
        setError(t, "");
      });
      if (!checked("rating")) {
        setError(rating, "Choisissez une note de 1 à 5.");
        problems.push(form.querySelector('input[name="rating"]'));
      }
      var value = textarea.value.trim();
      if (!value) {
        setError(text, "Écrivez votre avis en quelques mots.");
        problems.push(textarea);
      } else if (value.length > MAX_TEXT) {
        setError(text, "Votre avis dépasse " + MAX_TEXT + " caractères : raccourcissez-le.");
        problems.push(textarea);
      }
      var mail = emailInput.value.trim();
      if (
        mail &&
        !/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/.test(mail)
      ) {
        setError(email, "Adresse électronique invalide. Format attendu : nom@domaine.fr");
        problems.push(emailInput);
      }
      return problems;
    }

    function success(receipt) {
      form.remove();
      showStatus("ok", "");
      var done = el("div", { class: "alert ok", role: "status", tabindex: "-1" }, [
        el("p", { text: (receipt && receipt.message) || "Merci, votre avis a bien été transmis." }),
      ]);
      status.replaceWith(done);
      done.focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      showStatus("err", "");
      status.className = "alert";
      var problems = validate();
      if (problems.length) {
        showStatus(
          "err",
          problems.length === 1
            ? "Le formulaire contient une erreur."
            : "Le formulaire contient " + problems.length + " erreurs.",
        );
        problems[0].focus();
        return;
      }
      var payload = {
        service: service,
        rating: checked("rating"),
        text: textarea.value.trim(),
        website: form.querySelector("#website").value,
      };
      if (procedure) payload.procedure = procedure;
      if (checked("ease")) payload.ease = checked("ease");
      if (nameInput.value.trim()) payload.name = nameInput.value.trim();
      if (emailInput.value.trim()) payload.email = emailInput.value.trim();

      button.disabled = true;
      button.textContent = "Envoi en cours…";
      form.setAttribute("aria-busy", "true");
      fetch(endpoint, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      })
        .then(function (res) {
          return res
            .json()
            .catch(function () {
              return null;
            })
            .then(function (data) {
              if (res.ok) return success(data && data.receipt);
              var message =
                data && data.error && data.error.message
                  ? data.error.message
                  : "Votre avis n'a pas pu être envoyé (erreur " +
                    res.status +
                    "). Réessayez plus tard.";
              throw new Error(message);
            });
        })
        .catch(function (err) {
          var message =
            err instanceof TypeError
              ? "Impossible de joindre le service. Vérifiez votre connexion puis réessayez."
              : err.message;
          showStatus("err", message);
          status.focus();
        })
        .finally(function () {
          button.disabled = false;
          button.textContent = "Envoyer mon avis";
          form.removeAttribute("aria-busy");
        });
    });
  }

  function start() {
    var selector = script.getAttribute("data-target");
    var container = selector ? document.querySelector(selector) : null;
    if (container) {
      render(container);
    } else {
      var holder = document.createElement("div");
      script.parentNode.insertBefore(holder, script.nextSibling);
      render(holder);
    }
  }

  if (document.readyState === "loading" && script.getAttribute("data-target")) {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
