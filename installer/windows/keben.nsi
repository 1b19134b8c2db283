; KeBen's Windows installer (NSIS 3, Modern UI 2): KeBen-Setup-<version>.exe.
;
; Built by installer/build.py (`make package` on Windows), which passes the defines below:
;   makensis /INPUTCHARSET UTF8 /DVERSION=0.1.0 /DVERSION_NUMERIC=0.1.0.0 /DAPP_NAME=KeBen
;            /DDISPLAY_NAME=客本 /DPUBLISHER=KeBen /DBUNDLE_FILES=dist\KeBen\* /DICON=...\keben.ico
;            /DOUTFILE=dist\KeBen-Setup-0.1.0.exe [/DFAST] installer\windows\keben.nsi
; On Linux the same script compiles against the Linux bundle as a stand-in (tests/test_package.py),
; so a broken script is caught before a Windows builder sees it.
;
; What it does: a per-user install (no administrator rights) into %LOCALAPPDATA%\Programs\KeBen,
; a start-menu shortcut and, if chosen, a desktop shortcut; Chinese by default (English offered).
; Installing over an older version upgrades in place (same folder, old program files replaced).
; The uninstaller removes the program and its shortcuts; the data folder %LOCALAPPDATA%\KeBen
; (customers, backups, pictures) stays unless the user ticks "同时删除我的数据" and confirms.

Unicode true
!ifdef FAST
  SetCompress off          ; tests: seconds instead of a minute, not for release
!else
  SetCompressor /SOLID lzma
!endif

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_NAME}"
!define SETTINGS_KEY "Software\${APP_NAME}"
!define EXE "${APP_NAME}.exe"
; platformdirs.user_data_dir("KeBen", appauthor=False) on Windows (services/paths.py)
!define DATA_DIR "$LOCALAPPDATA\${APP_NAME}"

Name "${DISPLAY_NAME} ${APP_NAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP_NAME}"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
BrandingText "${DISPLAY_NAME} ${APP_NAME} ${VERSION}"
SetOverwrite on

VIProductVersion "${VERSION_NUMERIC}"
VIAddVersionKey /LANG=0 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=0 "FileDescription" "${DISPLAY_NAME} ${APP_NAME} Setup"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default; the language dialog is not shown (Chinese unless /L= asks).
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

LangString SecProgram ${LANG_SIMPCHINESE} "客本（必需）"
LangString SecProgram ${LANG_ENGLISH} "KeBen (required)"
LangString SecDesktop ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecUninstall ${LANG_SIMPCHINESE} "卸载客本程序"
LangString SecUninstall ${LANG_ENGLISH} "Remove the KeBen program"
LangString SecData ${LANG_SIMPCHINESE} "同时删除我的数据（客户、备份、图片）"
LangString SecData ${LANG_ENGLISH} "Also delete my data (customers, backups, pictures)"
LangString StillRunning ${LANG_SIMPCHINESE} "客本正在运行。请先关闭客本，再点“重试”。"
LangString StillRunning ${LANG_ENGLISH} "KeBen is running. Close it, then click Retry."
LangString ConfirmData ${LANG_SIMPCHINESE} "确定要删除 ${DATA_DIR} 里的全部客户数据和备份吗？删除后无法恢复。"
LangString ConfirmData ${LANG_ENGLISH} "Delete all customer data and backups in ${DATA_DIR}? This cannot be undone."

; An upgrade or uninstall replaces the program's files: a running KeBen.exe cannot be deleted, so
; deleting it first tells whether KeBen is still open (and asks the user to close it).
!macro CLOSE_KEBEN
  IfFileExists "$INSTDIR\${EXE}" 0 +6
    ClearErrors
    Delete "$INSTDIR\${EXE}"
    IfErrors 0 +3
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(StillRunning)" /SD IDCANCEL IDRETRY -4
      Abort
!macroend

Section "!$(SecProgram)" SecProgram
  SectionIn RO
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  !insertmacro CLOSE_KEBEN
  ; Upgrade in place: the old version's libraries go first, so nothing stale is left beside the new ones.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE_FILES}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${DISPLAY_NAME} ${APP_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${SETTINGS_KEY}" "Version" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${DISPLAY_NAME} ${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "$(SecDesktop)" SecDesktop
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${DISPLAY_NAME} ${APP_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
SectionEnd

Section "!un.$(SecUninstall)" UnSecProgram
  SectionIn RO
  SetShellVarContext current
  !insertmacro CLOSE_KEBEN
  Delete "$SMPROGRAMS\${DISPLAY_NAME} ${APP_NAME}.lnk"
  Delete "$DESKTOP\${DISPLAY_NAME} ${APP_NAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"  ; only when empty: never removes files the user put there
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "${SETTINGS_KEY}"
SectionEnd

; Off unless ticked (a silent uninstall never deletes data), and confirmed once more.
Section /o "un.$(SecData)" UnSecData
  MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "$(ConfirmData)" /SD IDNO IDNO +2
  RMDir /r "${DATA_DIR}"
SectionEnd
