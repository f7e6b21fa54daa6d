"""Setting up an office's data file on its host: made once, shared by the office's group."""

import os
from pathlib import Path

from kiosk.errors import InvalidInput, StoreUnwritable
from kiosk.store.store import TawasulStore

DATA_FILE_MODE = 0o660
"""The data file: the kiosk account and staff (group ``tawasul``) read and write,
nobody else reads (residents' IDs and password hashes are in it)."""


def create_office_data(path: Path) -> TawasulStore:
    """An empty data file at *path*, mode 0660, in the group of its folder; never replaces one.

    The folder's group is the one the kiosk account and the staff share (the README's set-up
    makes it setgid ``tawasul``). The store locks the data file itself, so there is no lock file.
    """
    folder = path.parent
    if not folder.is_dir():
        raise InvalidInput(f"There is no folder {folder}; make the data folder first.")
    if path.exists():
        raise InvalidInput(f"{path} already exists; init never replaces a data file.")
    try:
        store = TawasulStore.create(path)
        group = folder.stat().st_gid
        os.chown(path, -1, group)
        os.chmod(path, DATA_FILE_MODE)
    except PermissionError as error:
        raise StoreUnwritable(
            f"{path} cannot be made or given to the folder's group ({error.strerror}); "
            "run init as root or as a member of that group."
        ) from None
    return store
