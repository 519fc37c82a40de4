#!/usr/bin/env bash
# Builds artifacts/alerts-functions.zip, the package Azure Functions deploys (Flex Consumption, dotnet-isolated
# 10.0): the `dotnet publish` output of src/Alerts.Functions, zipped as it is. Worker.Sdk writes
# functions.metadata, extensions.json and .azurefunctions/ into it; host.json is copied from the repository root.
# Usage: deploy/package.sh [output.zip]   (the publish folder goes beside the zip, as <output>.publish/)
set -euo pipefail
cd "$(dirname "$0")/.."

output="$(realpath -m "${1:-artifacts/alerts-functions.zip}")"
publish="${output%.zip}.publish"

rm -rf "$publish" "$output"
mkdir -p "$(dirname "$output")"
# linux-x64, framework-dependent: the plan brings the .NET 10 runtime; native assets only for the platform it runs on.
dotnet publish src/Alerts.Functions -c Release -r linux-x64 --self-contained false -o "$publish" -p:DebugType=none -nologo -v quiet
(cd "$publish" && zip -qr -X "$output" .)
echo "package: $output ($(du -h "$output" | cut -f1))"
