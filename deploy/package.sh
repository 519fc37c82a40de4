#!/usr/bin/env bash
# Builds artifacts/alerts-functions.zip, the package Azure Functions deploys:
#   host.json and functions/<Name>/function.json at the zip root, beside a self-contained linux-x64
#   publish of src/Alerts.Functions whose executable (host.json defaultExecutablePath) keeps mode 0755.
# Usage: deploy/package.sh [output.zip]
set -euo pipefail
cd "$(dirname "$0")/.."

root="$PWD"
output="$(realpath -m "${1:-artifacts/alerts-functions.zip}")"
publish="$root/artifacts/publish/functions-linux-x64"

rm -rf "$publish"
dotnet publish src/Alerts.Functions -c Release -r linux-x64 --self-contained true -o "$publish" -p:DebugType=none -nologo -v quiet
# Absolute paths: `dotnet run` may start the command in another working directory.
# The zip is written by the same C# packager the package test drives (Alerts.Functions.Packaging.FunctionPackager).
dotnet run --project src/Alerts.Functions -c Release -- package --publish "$publish" --root "$root" --output "$output"
