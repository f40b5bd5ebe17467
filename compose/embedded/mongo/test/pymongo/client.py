"""Independent client checks for the embedded server, run with Debian's /usr/bin/python3 (pymongo 3.11).

Usage: client.py URI roundtrip | read DB COLL | write DB COLL
Prints one JSON document (canonical extended JSON for data) on stdout; exits non-zero on failure.
"""
import datetime
import sys

import pymongo
from bson import Decimal128, Int64, ObjectId, json_util
from pymongo.errors import DuplicateKeyError, OperationFailure


def roundtrip(client):
    db = client["pyround"]
    coll = db["items"]
    coll.drop()
    name = coll.create_index([("sku", pymongo.ASCENDING)], unique=True)
    assert name == "sku_1", name
    coll.create_index([("cat", pymongo.ASCENDING), ("price", pymongo.DESCENDING)])
    res = coll.insert_many([{"sku": "s%d" % i, "cat": "c%d" % (i % 3), "price": i} for i in range(30)])
    assert len(res.inserted_ids) == 30
    assert coll.count_documents({}) == 30
    assert coll.find_one({"sku": "s7"})["price"] == 7
    found = [d["sku"] for d in coll.find({"cat": "c1"}).sort("price", pymongo.DESCENDING).skip(1).limit(3)]
    assert found == ["s25", "s22", "s19"], found
    upd = coll.update_many({"cat": "c0"}, {"$inc": {"price": 100}})
    assert (upd.matched_count, upd.modified_count) == (10, 10), (upd.matched_count, upd.modified_count)
    up = coll.update_one({"sku": "new"}, {"$set": {"cat": "c9"}, "$setOnInsert": {"price": 1}}, upsert=True)
    assert up.upserted_id is not None
    doc = coll.find_one_and_update({"sku": "s1"}, {"$inc": {"price": 5}}, return_document=pymongo.ReturnDocument.AFTER)
    assert doc["price"] == 6, doc
    try:
        coll.insert_one({"sku": "s1"})
        raise AssertionError("duplicate insert accepted")
    except DuplicateKeyError as e:
        assert e.code == 11000
    try:
        coll.update_one({"sku": "s2"}, {"$inc": {"sku": 1}})
        raise AssertionError("$inc on a string accepted")
    except OperationFailure as e:
        assert e.code == 14, e.code
    agg = list(coll.aggregate([
        {"$match": {"cat": {"$in": ["c0", "c1", "c2"]}}},
        {"$group": {"_id": "$cat", "total": {"$sum": "$price"}, "n": {"$sum": 1}}},
        {"$sort": {"_id": 1}},
    ]))
    expected = {}
    for i in range(30):
        cat = "c%d" % (i % 3)
        price = i + (100 if i % 3 == 0 else 0) + (5 if i == 1 else 0)
        t, n = expected.get(cat, (0, 0))
        expected[cat] = (t + price, n + 1)
    assert [(a["_id"], a["total"], a["n"]) for a in agg] == [(k, v[0], v[1]) for k, v in sorted(expected.items())], agg
    many = list(coll.find({}).batch_size(4))
    assert len(many) == 31
    assert sorted(coll.distinct("cat")) == ["c0", "c1", "c2", "c9"]
    assert coll.delete_many({"cat": "c2"}).deleted_count == 10
    indexes = [(i["name"], list(i["key"].items())) for i in coll.list_indexes()]
    assert indexes == [("_id_", [("_id", 1)]), ("sku_1", [("sku", 1)]), ("cat_1_price_-1", [("cat", 1), ("price", -1)])], indexes
    assert "pyround" in client.list_database_names()
    return {"ok": True, "count": coll.count_documents({})}


def write(client, db, coll):
    c = client[db][coll]
    c.insert_many([
        {"_id": "py1", "int": 42, "float": 1.0, "long": Int64(2 ** 40), "dec": Decimal128("12.50"),
         "when": datetime.datetime(2024, 5, 6, 7, 8, 9, 123000), "nested": {"b": 1, "a": [1, "two", None]},
         "flag": True, "oid": ObjectId("64b7f0c2a1b2c3d4e5f60718")},
        {"_id": "py2", "int": -7, "float": 2.5, "text": "h\u00e9llo"},
    ])
    return {"ok": True}


def read(client, db, coll):
    docs = list(client[db][coll].find({}).sort("_id", 1))
    return {"ok": True, "docs": docs}


def main():
    uri, mode = sys.argv[1], sys.argv[2]
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000, retryWrites=False)
    try:
        if mode == "roundtrip":
            out = roundtrip(client)
        elif mode == "write":
            out = write(client, sys.argv[3], sys.argv[4])
        elif mode == "read":
            out = read(client, sys.argv[3], sys.argv[4])
        else:
            raise SystemExit("unknown mode " + mode)
    finally:
        client.close()
    print(json_util.dumps(out, json_options=json_util.CANONICAL_JSON_OPTIONS))


if __name__ == "__main__":
    main()
