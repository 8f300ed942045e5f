"""QGIS (Debian's python3-qgis, headless) loads a collection as an OGC API - Features layer and
counts its features by reading them all. Prints JSON: validity, the provider's count, the count
read, the layer CRS.

usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_check.py <landing page URL> <collection>
"""
import json
import os
import sys

from qgis.core import Qgis, QgsApplication, QgsVectorLayer

QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
url, name = sys.argv[1], sys.argv[2]
layer = QgsVectorLayer(f"url='{url}' typename='{name}' pageSize='1000'", name, "OAPIF")
valid = layer.isValid()
read = sum(1 for _ in layer.getFeatures()) if valid else -1
result = {"valid": valid, "featureCount": layer.featureCount() if valid else -1, "read": read,
          "crs": layer.crs().authid(), "qgis": Qgis.QGIS_VERSION}
print(json.dumps(result), flush=True)
del layer
# QGIS 3.22's exitQgis can crash while tearing down Qt; the result is printed already.
os._exit(0)
