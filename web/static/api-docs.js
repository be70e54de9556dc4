// The browsable API reference (/api/v1/docs): Swagger UI on the agent's own OpenAPI document.
// A file of its own, not an inline script: the staff pages' CSP runs scripts from the agent only.
(function () {
  var root = document.getElementById('swagger-ui');
  window.SwaggerUIBundle({
    url: root.getAttribute('data-spec'),
    domNode: root,
    deepLinking: true,
    // "Try it out" sends real requests to this agent: they need a token (Authorize), like any program's.
    tryItOutEnabled: false,
    persistAuthorization: false,
    // Offline: no validator badge (it would call out to the internet).
    validatorUrl: null,
  });
})();
