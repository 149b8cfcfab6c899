<#
.SYNOPSIS
  Installs (or upgrades) OpenClaw on Windows x64.
.DESCRIPTION
  irm <base>/install.ps1 | iex
  & ([scriptblock]::Create((irm <base>/install.ps1))) -Service
  powershell -ExecutionPolicy Bypass -File install.ps1 [-Prefix DIR] [-Service] [-Version V]

  Downloads openclaw-windows-x64.exe and SHA256SUMS, verifies the checksum, runs the download once, then
  puts it at <Prefix>\openclaw.exe (default $env:LOCALAPPDATA\OpenClaw\bin) and adds that folder to the
  user PATH. Nothing is written to <Prefix> before the download is verified. Rerunning upgrades in place.

  Environment: OPENCLAW_INSTALL_BASE_URL (folder holding the release files; overrides the -Version URL),
  OPENCLAW_INSTALL_PREFIX (like -Prefix), OPENCLAW_INSTALL_ARCH (skips detection).
#>
param(
  [string]$Prefix = $env:OPENCLAW_INSTALL_PREFIX,
  [switch]$Service,
  [string]$Version = ""
)

$ReleasesUrl = "https://github.com/openclaw-gateway/openclaw-gateway/releases"
$Asset = "openclaw-windows-x64.exe"

function Say([string]$Message) { Write-Host "openclaw-install: $Message" }

# `throw`, not `exit`: under `irm | iex`, exit would close the user's PowerShell window.
function Fail([string]$Message) { throw "openclaw-install: error: $Message" }

function Assert-SupportedPlatform {
  $arch = $env:OPENCLAW_INSTALL_ARCH
  if (-not $arch) { $arch = $env:PROCESSOR_ARCHITEW6432 } # set when a 32-bit PowerShell runs on 64-bit Windows
  if (-not $arch) { $arch = $env:PROCESSOR_ARCHITECTURE }
  switch -Regex ($arch) {
    '^(AMD64|x64|x86_64)$' { break }
    '^ARM64$' { Say "ARM64 Windows: installing the x64 build, which runs under Windows 11's x64 emulation"; break }
    default { Fail "unsupported architecture: $arch (supported: AMD64/x64; ARM64 through x64 emulation)" }
  }
  # Bun's Windows runtime needs Windows 10 1809 (build 17763) or later.
  if ([Environment]::OSVersion.Version.Build -lt 17763) {
    Fail "Windows 10 version 1809 or later is required (this is build $([Environment]::OSVersion.Version.Build))"
  }
}

function Get-BaseUrl([string]$Release) {
  if ($env:OPENCLAW_INSTALL_BASE_URL) { return $env:OPENCLAW_INSTALL_BASE_URL.TrimEnd('/') }
  if ($Release) { return "$ReleasesUrl/download/v$Release" }
  return "$ReleasesUrl/latest/download"
}

function Get-Download([string]$Url, [string]$OutFile) {
  try {
    Invoke-WebRequest -Uri $Url -OutFile $OutFile -UseBasicParsing
  } catch {
    Fail "download failed: $Url ($($_.Exception.Message))"
  }
}

function Assert-Checksum([string]$File, [string]$Name, [string]$SumsFile) {
  $expected = $null
  foreach ($line in Get-Content -LiteralPath $SumsFile) {
    # sha256sum lines are "<hex>  <name>", or "<hex> *<name>" in binary mode.
    if ($line -match '^([0-9a-fA-F]{64}) [ *](.+)$' -and $Matches[2].Trim() -eq $Name) {
      $expected = $Matches[1].ToLowerInvariant()
      break
    }
  }
  if (-not $expected) { Fail "SHA256SUMS has no entry for $Name" }
  $actual = (Get-FileHash -Algorithm SHA256 -LiteralPath $File).Hash.ToLowerInvariant()
  if ($actual -ne $expected) {
    Fail "checksum mismatch for $Name (expected $expected, got $actual); nothing was installed"
  }
}

# Runs `<exe> --version` and returns its banner, "OpenClaw <version> (<commit>)".
function Get-Banner([string]$Exe) {
  # No 2>&1: Windows PowerShell 5.1 turns redirected native stderr into errors, which "Stop" makes fatal.
  $banner = (& $Exe --version | Out-String).Trim()
  if ($LASTEXITCODE -ne 0) { Fail "$Exe --version failed (exit $LASTEXITCODE): $banner" }
  return $banner
}

# Windows cannot overwrite a running .exe but can rename it, so the current binary is moved aside first;
# a gateway that is still running keeps its file until it exits, and a later run deletes it.
function Install-Binary([string]$Staged, [string]$Target) {
  Get-ChildItem -LiteralPath (Split-Path $Target) -Filter "openclaw.exe.old-*" -ErrorAction SilentlyContinue |
    Remove-Item -Force -ErrorAction SilentlyContinue
  $aside = $null
  if (Test-Path -LiteralPath $Target) {
    $aside = "$Target.old-$PID"
    Move-Item -LiteralPath $Target -Destination $aside -Force
  }
  try {
    Move-Item -LiteralPath $Staged -Destination $Target -Force
  } catch {
    if ($aside) { Move-Item -LiteralPath $aside -Destination $Target -Force }
    throw
  }
  if ($aside) { Remove-Item -LiteralPath $aside -Force -ErrorAction SilentlyContinue }
}

function Add-ToUserPath([string]$Dir) {
  # Read and write the raw registry value: [Environment]::SetEnvironmentVariable would store it as REG_SZ
  # and freeze entries such as %USERPROFILE%\bin into literal paths.
  $key = [Microsoft.Win32.Registry]::CurrentUser.OpenSubKey("Environment", $true)
  try {
    $raw = [string]$key.GetValue("Path", "", [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    $entries = @($raw -split ';' | Where-Object { $_ -ne "" })
    $present = $entries | Where-Object { [Environment]::ExpandEnvironmentVariables($_).TrimEnd('\') -ieq $Dir.TrimEnd('\') }
    if ($present) { return $false }
    $key.SetValue("Path", (($entries + $Dir) -join ';'), [Microsoft.Win32.RegistryValueKind]::ExpandString)
  } finally {
    $key.Close()
  }
  # Setting any user variable through .NET broadcasts WM_SETTINGCHANGE, so new terminals see the new PATH.
  [Environment]::SetEnvironmentVariable("OPENCLAW_INSTALL_PATH_REFRESH", "1", "User")
  [Environment]::SetEnvironmentVariable("OPENCLAW_INSTALL_PATH_REFRESH", $null, "User")
  $env:Path = "$env:Path;$Dir"
  return $true
}

function Install-OpenClaw([string]$Dir, [string]$Release, [bool]$WithService) {
  # Set here, not at the top: under `irm | iex` top-level settings would leak into the user's session.
  # Functions called from here see them too (PowerShell scopes are dynamic).
  $ErrorActionPreference = "Stop"
  # Windows PowerShell 5.1 redraws a progress bar per chunk, which makes a 110 MB download many times slower.
  $ProgressPreference = "SilentlyContinue"
  Assert-SupportedPlatform
  if (-not $Dir) { $Dir = Join-Path $env:LOCALAPPDATA "OpenClaw\bin" }
  $baseUrl = Get-BaseUrl $Release
  # Windows PowerShell 5.1 may still default to TLS 1.0, which GitHub refuses.
  [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12

  $work = Join-Path ([IO.Path]::GetTempPath()) ("openclaw-install-" + [guid]::NewGuid().ToString("N"))
  New-Item -ItemType Directory -Path $work | Out-Null
  $staged = $null
  try {
    Say "downloading $Asset from $baseUrl"
    Get-Download "$baseUrl/$Asset" (Join-Path $work $Asset)
    Get-Download "$baseUrl/SHA256SUMS" (Join-Path $work "SHA256SUMS")
    Assert-Checksum (Join-Path $work $Asset) $Asset (Join-Path $work "SHA256SUMS")

    New-Item -ItemType Directory -Path $Dir -Force | Out-Null
    $Dir = (Resolve-Path -LiteralPath $Dir).Path
    # Staged beside the target (with .exe, or Windows will not run it) so the final move is a rename.
    $staged = Join-Path $Dir ".openclaw.tmp.$PID.exe"
    Copy-Item -LiteralPath (Join-Path $work $Asset) -Destination $staged -Force
    $banner = Get-Banner $staged
    if ($Release -and $banner -notmatch "^OpenClaw $([regex]::Escape($Release)) ") {
      Fail "asked for version $Release but the download is '$banner'; nothing was installed"
    }
    $target = Join-Path $Dir "openclaw.exe"
    Install-Binary $staged $target
    $staged = $null
  } finally {
    if ($staged) { Remove-Item -LiteralPath $staged -Force -ErrorAction SilentlyContinue }
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
  }

  Say "installed $(Get-Banner $target) at $target"
  if (Add-ToUserPath $Dir) { Say "added $Dir to your user PATH; open a new terminal to use 'openclaw'" }

  if ($WithService) {
    Say "installing the gateway service: $target gateway install"
    & $target gateway install
    if ($LASTEXITCODE -ne 0) { Fail "openclaw is installed, but 'openclaw gateway install' failed (exit $LASTEXITCODE)" }
  }
}

Install-OpenClaw -Dir $Prefix -Release ($Version.TrimStart('v')) -WithService ($Service.IsPresent)
