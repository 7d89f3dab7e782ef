// The OpenAPI 3 description of the Plume HTTP API (served at GET /api/openapi.json).
#pragma once

#include <string>

namespace plume::http {

// The document as compact JSON. Thread-safety: returns a copy of a constant.
std::string OpenApiDocument();

}  // namespace plume::http
