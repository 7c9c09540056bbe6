@echo off
rem The airlock command of the packaged app: its CLI, run by the app's own binary as Node.
call "%~dp0airlock-node.cmd" "%~dp0..\app.asar.unpacked\out\cli\airlock.js" %*
exit /b %ERRORLEVEL%
