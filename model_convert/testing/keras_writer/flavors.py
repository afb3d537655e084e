"""The file formats (`--format`) and the Keras behaviour each one follows.

Every switch below names the Keras source it comes from (keras-team/keras at the tag; 3.x
files are under keras/src/ except v3.0.0, whose tree has them under keras/ and whose wheel moved
them to keras/src/ at build time, pip_build.py run_namex_conversion).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Flavor:
    key: str            # the --format value
    family: str         # "k3" (Keras 3) or "k2" (tf.keras 2.x)
    version: tuple      # the release emulated
    container: str      # "keras" (zip) or "h5" (legacy HDF5)

    @property
    def keras_version(self):
        return ".".join(str(v) for v in self.version)

    @property
    def k3(self):
        return self.family == "k3"

    def at_least(self, *v):
        return self.version >= v

    # --- Keras 3 switches -------------------------------------------------------------------
    @property
    def policy_objects(self):
        """Layer configs carry `dtype` as a DTypePolicy dict (layers/layer.py get_config uses
        dtype_policies.serialize since v3.4.0; v3.0.0 layers/layer.py:1365 writes the name)."""
        return self.k3 and self.at_least(3, 4)

    @property
    def public_modules(self):
        """`module: "keras.layers"`, `registered_name: null` for exported classes. In v3.0.x
        api_export.get_name_from_symbol (keras/api_export.py:27) lacks its `return`, so every
        object is written with its Python module (`keras.src.layers.convolutional.conv2d`) and
        `registered_name` = class name (saving/serialization_lib.py serialize_with_public_class,
        object_registration.get_registered_name)."""
        return not (self.k3 and self.version < (3, 0, 1))

    @property
    def vars_name_attr(self):
        """model.weights.h5 `vars` groups carry attribute `name` (saving_lib._save_state passes
        metadata={"name": ...} since v3.6.0; H5Entry in v3.5.0 has no metadata)."""
        return self.k3 and self.at_least(3, 6)

    @property
    def flat_single_io(self):
        """Functional `input_layers`/`output_layers` for a single tensor are `[name, 0, 0]`
        (models/functional.py get_config, tree.map_structure since v3.11.0); earlier 3.x wrap
        it: `[[name, 0, 0]]` (v3.0.0 functional.py map_tensors, v3.5.0 `[get_tensor_config]`)."""
        return self.k3 and self.at_least(3, 11)

    @property
    def empty_compile_config(self):
        """An uncompiled model still gets `"compile_config": {}` (trainers/trainer.py
        get_compile_config returns {} since v3.10.0; before it returned None -> no key)."""
        return self.k3 and self.at_least(3, 10)

    @property
    def base_activity_regularizer(self):
        """Layer.get_config adds `activity_regularizer` when set (v3.5.0 layer.py:1545);
        v3.0.0 layer.py:1360 does not."""
        return self.k3 and self.at_least(3, 5)

    @property
    def auto_config_defaults(self):
        """Classes without get_config (ELU) serialize their __init__ arguments: v3.13.2
        ops/operation.py __new__ applies the defaults (bound_parameters.apply_defaults());
        v3.0.0/v3.5.0 keep only the arguments the user passed."""
        return self.k3 and self.at_least(3, 13)

    @property
    def shared_policy_ids(self):
        """.keras configs serialize under ObjectSharingScope; the global DTypePolicy object is
        shared by every layer, so its later occurrences carry `shared_object_id`."""
        return self.policy_objects and self.container == "keras"

    @property
    def temp_file_branch(self):
        """saving_lib._save_model_to_fileobj has the is_memory_sufficient branch (temp file +
        zf.write) since v3.5.0 (absent in v3.0.0 and tf.keras 2.13)."""
        return self.k3 and self.at_least(3, 5)


FORMATS = {
    "keras3": Flavor("keras3", "k3", (3, 13, 2), "keras"),
    "keras3.5": Flavor("keras3.5", "k3", (3, 5, 0), "keras"),
    "keras3.0": Flavor("keras3.0", "k3", (3, 0, 0), "keras"),
    "tf2.13-keras": Flavor("tf2.13-keras", "k2", (2, 13, 1), "keras"),
    "keras3-h5": Flavor("keras3-h5", "k3", (3, 13, 2), "h5"),
    "tf2-h5": Flavor("tf2-h5", "k2", (2, 10, 0), "h5"),
}


class Refused(Exception):
    """A model/format combination that the emulated Keras version could not have written."""
