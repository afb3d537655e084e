"""Writes Keras model files (.keras and legacy .h5) key for key as given Keras versions do.

See model_convert/testing/README.md and make_keras_file.py."""
