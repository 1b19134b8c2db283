"""话术素材 page: the script library (话术库) and the material library (素材库) (see ui.library.page).

Other pages use ui.library.picker.ScriptPickerDialog and ui.library.material_picker.MaterialPickerDialog."""
