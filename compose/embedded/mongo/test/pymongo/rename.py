"""renameCollection as pymongo (an independent client) sends it, run with Debian's /usr/bin/python3.

Usage: rename.py URI DB
Prints one JSON document on stdout; exits non-zero (an assertion) on failure.
"""
import json
import sys

import pymongo
from pymongo.errors import OperationFailure


def main(uri, name):
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)
    db = client[name]
    db["live"].drop()
    db["fresh"].drop()
    db["live"].insert_many([{"_id": "a", "v": 1}, {"_id": "b", "v": 1}])
    db["fresh"].create_index([("v", pymongo.ASCENDING)], name="v_1")
    db["fresh"].insert_many([{"_id": "a", "v": 2}, {"_id": "b", "v": 2}, {"_id": "c", "v": 2}])
    try:
        db["fresh"].rename("live")
        raise AssertionError("rename over an existing collection accepted without dropTarget")
    except OperationFailure as e:
        assert e.code == 48, e.code
    try:
        db["missing"].rename("elsewhere")
        raise AssertionError("rename of a missing collection accepted")
    except OperationFailure as e:
        assert e.code == 26, e.code
    db["fresh"].rename("live", dropTarget=True)
    names = sorted(db.list_collection_names())
    docs = list(db["live"].find({}).sort("_id", pymongo.ASCENDING))
    indexes = sorted(i["name"] for i in db["live"].list_indexes())
    print(json.dumps({"ok": True, "names": names, "docs": docs, "indexes": indexes}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
