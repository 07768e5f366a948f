"""What the Swift sources serve, read from the sources themselves; shared by gen-openapi.py and check-openapi.py.

Regular expressions over the Swift text only (fast, no toolchain). Every function raises SourceError when the
source no longer has the expected form, so a refactoring fails loudly instead of yielding an empty route list.

  * oci_routes(): the OCI distribution routes under /v2/ as (METHOD, path template, OCIRoute case). The paths
    come from OCIRoute.init (Sources/SignetWire/OCI/OCIRoute.swift), which parses a /v2/ path from its end: each
    `if count >= N, parts[count - i] == "literal", ..., let name = name(dropping: d) { self = .case(...) }`
    branch gives `/v2/{name}/<d segments>`, the literals at their positions and the associated values taken
    from `parts[count - j]` as `{label}` parameters. The methods come from the `case (.route, .method)`
    patterns of OCIController.respond; `group.get {` is `GET /v2/`.
  * oci_error_codes(): code -> the HTTP statuses Signet answers it with, from every `OCIError(status:code:)`
    / `init(status:code:)` in OCIError.swift, OCIController.swift and ErrorFramingMiddleware.swift.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCI_ROUTE_SWIFT = ROOT / "Sources/SignetWire/OCI/OCIRoute.swift"
OCI_CONTROLLER_SWIFT = ROOT / "Sources/SignetServer/Controllers/OCIController.swift"
OCI_ERROR_SOURCES = (
    ROOT / "Sources/SignetWire/OCI/OCIError.swift",
    OCI_CONTROLLER_SWIFT,
    ROOT / "Sources/SignetServer/Middleware/ErrorFramingMiddleware.swift",
)

# OCIRoute associated values documented under the distribution spec's parameter names.
PARAMETER_NAMES = {"id": "uuid"}
# OCIRoute cases documented with a trailing slash, as the distribution spec writes them (OCIRoute ignores empty
# path components, so `/v2/<name>/blobs/uploads` and `/v2/<name>/blobs/uploads/` are the same route).
TRAILING_SLASH = {"uploads"}

STATUSES = {
    "ok": 200, "created": 201, "accepted": 202, "noContent": 204, "partialContent": 206, "badRequest": 400,
    "unauthorized": 401, "forbidden": 403, "notFound": 404, "methodNotAllowed": 405, "conflict": 409,
    "contentTooLarge": 413, "rangeNotSatisfiable": 416, "internalServerError": 500,
}


class SourceError(Exception):
    pass


def _function_body(source: str, signature: str, file: Path) -> str:
    """The text of a Swift function from its signature to its closing brace (brace counting)."""
    start = source.find(signature)
    if start < 0:
        raise SourceError(f"{file.name}: `{signature}` not found")
    opening = source.index("{", start)
    depth = 0
    for index in range(opening, len(source)):
        depth += {"{": 1, "}": -1}.get(source[index], 0)
        if depth == 0:
            return source[opening + 1:index]
    raise SourceError(f"{file.name}: unbalanced braces after `{signature}`")


def oci_route_paths() -> dict[str, str]:
    """OCIRoute case -> OpenAPI path template, derived from OCIRoute.init."""
    source = OCI_ROUTE_SWIFT.read_text()
    cases: dict[str, list[str]] = {}
    for name, values in re.findall(r"^\s*case (\w+)(?:\(([^)]*)\))?\s*$", source, re.M):
        cases[name] = [label.split(":")[0].strip() for label in values.split(",")] if values else []
    if not cases:
        raise SourceError(f"{OCI_ROUTE_SWIFT.name}: no enum cases found")
    paths: dict[str, str] = {}
    for literals, case in re.findall(r"parts == \[([^\]]*)\]\s*\{\s*self = \.(\w+)\b", source):
        paths[case] = "/v2/" + "/".join(re.findall(r'"([^"]+)"', literals))
    branch = re.compile(r"if count >= (\d+),(.*?)\{\s*self = \.(\w+)\(([^\n]*)\)\s*\n", re.S)
    for minimum, conditions, case, arguments in branch.findall(source):
        dropping = re.search(r"let name = name\(dropping: (\d+)\)", conditions)
        if not dropping:
            raise SourceError(f"{OCI_ROUTE_SWIFT.name}: .{case} is not parsed with name(dropping:)")
        width = int(dropping.group(1))
        segments: list[str | None] = [None] * width
        for back, literal in re.findall(r'parts\[count - (\d+)\] == "([^"]+)"', conditions):
            segments[width - int(back)] = literal
        labels = []
        for label, value in re.findall(r"(\w+): ([^,]+)", arguments):
            taken = re.fullmatch(r"parts\[count - (\d+)\]", value.strip())
            if label == "name" and value.strip() == "name":
                continue
            if not taken:
                raise SourceError(f"{OCI_ROUTE_SWIFT.name}: .{case}({label}: {value}) is not a path component")
            segments[width - int(taken.group(1))] = "{" + PARAMETER_NAMES.get(label, label) + "}"
            labels.append(label)
        if None in segments or int(minimum) != width + 1:
            raise SourceError(f"{OCI_ROUTE_SWIFT.name}: cannot read the path of .{case} ({segments}, count >= {minimum})")
        if ["name"] + labels != cases.get(case):
            raise SourceError(f"{OCI_ROUTE_SWIFT.name}: .{case} is built with {['name'] + labels}, declared {cases.get(case)}")
        paths[case] = "/v2/{name}/" + "/".join(segments) + ("/" if case in TRAILING_SLASH else "")
    if set(paths) != set(cases):
        raise SourceError(f"{OCI_ROUTE_SWIFT.name}: cases {sorted(set(cases) - set(paths))} have no path; "
                          f"paths for unknown cases {sorted(set(paths) - set(cases))}")
    return paths


def oci_routes() -> list[tuple[str, str, str]]:
    """(METHOD, path, OCIRoute case or "base") for every /v2/ route OCIController serves."""
    source = OCI_CONTROLLER_SWIFT.read_text()
    group = re.search(r'router\.group\("(\w+)"\)', source)
    if not group or group.group(1) != "v2":
        raise SourceError(f"{OCI_CONTROLLER_SWIFT.name}: no router.group(\"v2\")")
    registered = re.search(r"for method in \[HTTPRequest\.Method\.(\w+)((?:,\s*\.\w+)*)\]\s*\{\s*group\.on\(\"\*\*\"", source)
    if not registered:
        raise SourceError(f"{OCI_CONTROLLER_SWIFT.name}: no `for method in [...] {{ group.on(\"**\", ...` loop")
    methods = {registered.group(1)} | set(re.findall(r"\.(\w+)", registered.group(2)))
    paths = oci_route_paths()
    routes = []
    if re.search(r"group\.get\s*\{", source):
        routes.append(("GET", "/v2/", "base"))
    body = _function_body(source, "func respond(to route: OCIRoute", OCI_CONTROLLER_SWIFT)
    pairs = re.findall(r"\(\.(\w+)(?:\([^()]*\))?,\s*\.(\w+)\)", body)
    if not pairs:
        raise SourceError(f"{OCI_CONTROLLER_SWIFT.name}: no `case (.route, .method)` patterns in respond")
    for case, method in pairs:
        if case not in paths:
            raise SourceError(f"{OCI_CONTROLLER_SWIFT.name}: respond matches .{case}, which OCIRoute does not have")
        if method not in methods:
            raise SourceError(f"{OCI_CONTROLLER_SWIFT.name}: respond matches .{method}, which is not registered with group.on")
        route = (method.upper(), paths[case], case)
        if route in routes:
            raise SourceError(f"{OCI_CONTROLLER_SWIFT.name}: respond matches ({case}, {method}) twice")
        routes.append(route)
    return routes


def oci_error_codes() -> dict[str, set[int] | None]:
    """code -> statuses it is sent with (None: a status computed at run time, i.e. any)."""
    codes: dict[str, set[int] | None] = {}

    def add(code: str, status: int | None) -> None:
        if status is None or codes.get(code, set()) is None:
            codes[code] = None
        else:
            codes.setdefault(code, set()).add(status)

    for file in OCI_ERROR_SOURCES:
        source = file.read_text()
        found = False
        for status, code in re.findall(r"(?:OCIError|init)\(\s*status:\s*([\w.]+),\s*code:\s*(\"\w+\"|\w+)", source):
            if status[0].isupper():  # the declaration `init(status: HTTPResponse.Status, code: String, ...)`
                continue
            found = True
            value = STATUSES.get(status[1:]) if status.startswith(".") else None
            if status.startswith(".") and value is None:
                raise SourceError(f"{file.name}: unknown status {status}")
            if code.startswith('"'):
                add(code.strip('"'), value)
            else:  # `let code = cond ? "A" : (cond ? "B" : "C")` just before
                assignment = re.search(r"let " + code + r" = ([^\n]+)", source)
                if not assignment:
                    raise SourceError(f"{file.name}: cannot find the values of `code: {code}`")
                for literal in re.findall(r'"([A-Z_]+)"', assignment.group(1)):
                    add(literal, value)
        if not found:
            raise SourceError(f"{file.name}: no OCIError(status:code:) found")
    return codes
