@echo off
rem Runs Airlock's own binary as a plain Node (ELECTRON_RUN_AS_NODE=1), so that guarded
rem hosts and the airlock command need no Node installed. Lives in <install dir>\resources\bin.
setlocal
set ELECTRON_RUN_AS_NODE=1
set "AIRLOCK_RUNTIME=%~dp0airlock-node.cmd"
"%~dp0..\..\Airlock.exe" %*
endlocal & exit /b %ERRORLEVEL%
