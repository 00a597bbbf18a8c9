using System.Xml;

namespace Aggregator.Parsing;

/// <summary>An XmlReader that throws an <see cref="XmlException"/> as soon as an element opens more than
/// <see cref="BoundedMarkup.MaxDepth"/> levels deep: what Syndication reads through. Its Atom formatter reads an
/// xhtml title, summary or content with ReadInnerXml, whose work grows with the square of the depth (100,000
/// nested &lt;b&gt; took 31 s and allocated 28 GB); refused here, the document goes to our own reader, which bounds
/// each text element (<see cref="BoundedMarkup"/>). An XmlDictionaryReader, so that Syndication, which reads
/// through one, takes it as it is instead of wrapping it once more: the check replaces a layer, it adds none.</summary>
internal sealed class DepthBoundXmlReader(XmlReader inner) : XmlDictionaryReader, IXmlLineInfo
{
    public override bool Read()
    {
        if (!inner.Read()) return false;
        if (inner.Depth > BoundedMarkup.MaxDepth && inner.NodeType == XmlNodeType.Element)
            throw new XmlException($"elements nested deeper than {BoundedMarkup.MaxDepth} levels", null, LineNumber, LinePosition);
        return true;
    }

    public override int AttributeCount => inner.AttributeCount;
    public override string BaseURI => inner.BaseURI;
    public override int Depth => inner.Depth;
    public override bool EOF => inner.EOF;
    public override bool HasValue => inner.HasValue;
    public override bool IsDefault => inner.IsDefault;
    public override bool IsEmptyElement => inner.IsEmptyElement;
    public override string LocalName => inner.LocalName;
    public override string Name => inner.Name;
    public override string NamespaceURI => inner.NamespaceURI;
    public override XmlNameTable NameTable => inner.NameTable;
    public override XmlNodeType NodeType => inner.NodeType;
    public override string Prefix => inner.Prefix;
    public override char QuoteChar => inner.QuoteChar;
    public override ReadState ReadState => inner.ReadState;
    public override string Value => inner.Value;
    public override string XmlLang => inner.XmlLang;
    public override XmlSpace XmlSpace => inner.XmlSpace;
    public override Type ValueType => inner.ValueType;
    public override bool CanResolveEntity => inner.CanResolveEntity;
    public override string GetAttribute(int i) => inner.GetAttribute(i);
    public override string? GetAttribute(string name) => inner.GetAttribute(name);
    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);
    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);
    public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);
    public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);
    public override void MoveToAttribute(int i) => inner.MoveToAttribute(i);
    public override bool MoveToElement() => inner.MoveToElement();
    public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();
    public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();
    public override bool ReadAttributeValue() => inner.ReadAttributeValue();
    public override void ResolveEntity() => inner.ResolveEntity();

    // Reading a text node's value in one piece goes no deeper, so the reader's own (faster) version is safe.
    public override string ReadString() => inner.ReadString();

    public override void Close() => inner.Close();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public bool HasLineInfo() => inner is IXmlLineInfo info && info.HasLineInfo();
    public int LineNumber => inner is IXmlLineInfo info ? info.LineNumber : 0;
    public int LinePosition => inner is IXmlLineInfo info ? info.LinePosition : 0;
}
