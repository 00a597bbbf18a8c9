using System.Globalization;
using System.Xml;

namespace Aggregator.Parsing;

/// <summary>XmlReader.ReadOuterXml and ReadInnerXml, writing the markup at most <see cref="MaxDepth"/> levels deep
/// and, below that, only the text. The XmlTextWriter they write with looks namespaces up through every element
/// open, so their work grows with the square of the depth: 50,000 nested &lt;b&gt; in a title took 11 s, 10,000
/// allocated 283 MB. Same output as theirs down to the limit.</summary>
internal static class BoundedMarkup
{
    /// <summary>Real entry HTML nests a few dozen levels at most (an article's tables, lists and spans); a document
    /// nested deeper is hostile or broken, and its text still reads the same without the deeper tags.</summary>
    public const int MaxDepth = 256;

    /// <summary>Like <see cref="XmlReader.ReadOuterXml"/>: the element the reader is on, with its content; leaves the reader after it.</summary>
    /// <param name="cut">True when markup deeper than <see cref="MaxDepth"/> levels below the element was left out.</param>
    public static string ReadOuter(XmlReader reader, out bool cut)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = new XmlTextWriter(text))
        {
            var top = reader.Depth;
            cut = false;
            do
            {
                cut |= Write(reader, writer, top);
            }
            while (reader.Read() && (top < reader.Depth || top == reader.Depth && reader.NodeType == XmlNodeType.EndElement));
        }
        return text.ToString();
    }

    /// <summary>Like <see cref="XmlReader.ReadInnerXml"/>: the content of the element the reader is on; leaves the reader after it.</summary>
    /// <param name="cut">True when markup deeper than <see cref="MaxDepth"/> levels below the element was left out.</param>
    public static string ReadInner(XmlReader reader, out bool cut)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = new XmlTextWriter(text))
        {
            var top = reader.Depth;
            cut = false;
            while (reader.Read() && top < reader.Depth) cut |= Write(reader, writer, top + 1);
            if (top == reader.Depth && reader.NodeType == XmlNodeType.EndElement) reader.Read();
        }
        return text.ToString();
    }

    /// <summary>Writes the node the reader is on, as XmlWriter.WriteNode does for each node, unless it is an element
    /// tag more than <see cref="MaxDepth"/> levels below <paramref name="top"/>.</summary>
    /// <returns>True when it left a tag out.</returns>
    private static bool Write(XmlReader reader, XmlTextWriter writer, int top)
    {
        switch (reader.NodeType)
        {
            case XmlNodeType.Element:
                if (reader.Depth - top >= MaxDepth) return true;
                writer.WriteStartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI);
                writer.WriteAttributes(reader, defattr: false);
                if (reader.IsEmptyElement) writer.WriteEndElement();
                break;
            case XmlNodeType.EndElement:
                if (reader.Depth - top >= MaxDepth) return true;
                writer.WriteFullEndElement();
                break;
            case XmlNodeType.Text:
                writer.WriteString(reader.Value);
                break;
            case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                writer.WriteWhitespace(reader.Value);
                break;
            case XmlNodeType.CDATA:
                writer.WriteCData(reader.Value);
                break;
            case XmlNodeType.EntityReference:
                writer.WriteEntityRef(reader.Name);
                break;
            case XmlNodeType.ProcessingInstruction:
                writer.WriteProcessingInstruction(reader.Name, reader.Value);
                break;
            case XmlNodeType.Comment:
                writer.WriteComment(reader.Value);
                break;
        }
        return false;
    }
}
